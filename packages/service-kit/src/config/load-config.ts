import * as v from "valibot";
import type { EnvVar } from "./env-vars.js";

export type EnvSchema = Record<string, EnvVar<unknown>>;
export type ConfigOf<S extends EnvSchema> = {
  readonly [K in keyof S]: S[K] extends EnvVar<infer T> ? T : never;
};

/** Thrown at start-up when an environment variable is missing or malformed; the message names each one. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}

/**
 * `loadConfig` parses the environment once against a schema and returns a typed, frozen object.
 * Values are never echoed in the error (they may be secrets); the variable and the expectation are.
 *
 * @example
 * const config = loadConfig({ PORT: intVar(3000, 0, 65535) }, process.env);
 */
export function loadConfig<S extends EnvSchema>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): ConfigOf<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema)) {
    const value = env[key];
    // An empty variable counts as unset, as most shells and orchestrators mean it.
    input[key] = value === "" ? undefined : value;
  }
  const result = v.safeParse(v.object(schema), input, { abortEarly: false });
  if (!result.success) {
    const lines = result.issues.map((issue) => `  ${v.getDotPath(issue) ?? "?"}: ${issue.message}`);
    const variables = result.issues.map((issue) => v.getDotPath(issue) ?? "?");
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`, variables);
  }
  return Object.freeze(result.output) as ConfigOf<S>;
}
