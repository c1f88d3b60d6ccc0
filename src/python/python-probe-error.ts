/** A Python interpreter that could not answer: the message names it and the reason. */
export class PythonProbeError extends Error {
  override readonly name = "PythonProbeError";
}
