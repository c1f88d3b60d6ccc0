// The only module that reads `process.env`. Everything else takes values as arguments.

export type Environment = Readonly<Record<string, string | undefined>>;

/** The process environment (read lazily, so tests can pass their own object everywhere instead). */
export function processEnvironment(): Environment {
  return process.env;
}

/** A variable's value, and whether the key is present at all (PyTorch: present-but-empty still counts). */
export function readEnvVar(
  name: string,
  env: Environment = process.env,
): { present: boolean; value: string | undefined } {
  const present = Object.hasOwn(env, name);
  return { present, value: present ? env[name] : undefined };
}
