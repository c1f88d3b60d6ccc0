import { escapeControlCharacters } from "../language/escape-control-characters.ts";

/** Longest part of a backend's text quoted in a diagnostic. */
const MAX_MESSAGE_LENGTH = 200;

/**
 * Text that came from the network (an HTTP reason phrase, a partial success's `errorMessage`, an error naming
 * the backend), made fit for a terminal line: control characters and line breaks escaped as the console
 * exporter escapes log data, at most 200 characters. A backend must not be able to forge or hide lines of
 * our output.
 */
export function formatBackendMessage(message: string): string {
  const clean = escapeControlCharacters(message);
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH)}… (truncated)` : clean;
}
