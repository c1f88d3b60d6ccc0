// Grafana's template-variable interpolation, as far as the provisioned queries use it: `$name`, `${name}`,
// `${name:format}`, `[[name]]`, the built-in intervals and the data-link variables. Queries are parsed after this
// step, as Grafana sends them. An unknown variable throws, so a typo in a dashboard fails a test.

/** Values Grafana gives its built-in variables (durations it computes from the time range and panel width). */
export const GRAFANA_BUILTIN_VALUES: Readonly<Record<string, string>> = {
  __auto: "1m",
  __interval: "1m",
  __rate_interval: "4m",
  __range: "6h",
  "__trace.traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
  "__span.spanId": "00f067aa0ba902b7",
  "__value.raw": "4bf92f3577b34da6a3ce929d0e0e4736",
};

const VARIABLE = /\$\{([\w.]+)(?::[\w]+)?\}|\$([A-Za-z_]\w*)|\[\[([\w.]+)\]\]/g;

/** Names of the variables a query refers to (built-ins included), in order of first use. */
export function grafanaVariablesIn(text: string): string[] {
  const names = [...text.matchAll(VARIABLE)].map((m) => m[1] ?? m[2] ?? m[3] ?? "");
  return [...new Set(names)];
}

/** Replaces every variable by its value; `values` are the dashboard's, built-ins come from Grafana. */
export function interpolateGrafanaVariables(
  text: string,
  values: Readonly<Record<string, string>> = {},
): string {
  return text.replace(VARIABLE, (match, braced?: string, plain?: string, bracketed?: string) => {
    const name = braced ?? plain ?? bracketed ?? "";
    const value = values[name] ?? GRAFANA_BUILTIN_VALUES[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${match}`);
    return value;
  });
}
