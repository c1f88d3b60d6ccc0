/** Input lines as PytorchLogParser counts them: each `\n` ends one, and unterminated text is one more. */
export function countLines(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}
