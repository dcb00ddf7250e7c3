import * as v from "valibot";

/**
 * Schemas for environment variables. Every variable arrives as a string (or not at all); these helpers
 * give each one a default, a conversion and a message that says what is expected.
 */
export type EnvVar<T> = v.GenericSchema<string | undefined, T>;

/** An integer variable within bounds. */
export function intVar(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER): EnvVar<number> {
  return v.optional(
    v.pipe(
      v.string(),
      v.regex(/^-?\d+$/, `must be an integer between ${min} and ${max}`),
      v.transform(Number),
      v.minValue(min, `must be an integer between ${min} and ${max}`),
      v.maxValue(max, `must be an integer between ${min} and ${max}`),
    ),
    String(defaultValue),
  ) as unknown as EnvVar<number>;
}

/** A string variable; `pattern` restricts its shape. */
export function stringVar(
  // A function default is computed at each parse (e.g. a fresh instance id per start).
  defaultValue: string | (() => string),
  pattern?: RegExp,
  expected = "a non-empty string",
): EnvVar<string> {
  const base = v.pipe(v.string(), v.minLength(1, `must be ${expected}`));
  return v.optional(
    pattern ? v.pipe(base, v.regex(pattern, `must be ${expected}`)) : base,
    defaultValue,
  ) as unknown as EnvVar<string>;
}

/** A string variable with no default: absent stays undefined. */
export function optionalStringVar(): EnvVar<string | undefined> {
  return v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty when set"))) as unknown as EnvVar<
    string | undefined
  >;
}

/** One of a fixed set of values. */
export function enumVar<const T extends readonly [string, ...string[]]>(
  values: T,
  defaultValue: T[number],
): EnvVar<T[number]> {
  return v.optional(
    v.picklist(values, `must be one of: ${values.join(", ")}`),
    defaultValue,
  ) as unknown as EnvVar<T[number]>;
}

/** `true`/`false`/`1`/`0`. */
export function boolVar(defaultValue: boolean): EnvVar<boolean> {
  return v.optional(
    v.pipe(
      v.picklist(["true", "false", "1", "0"], "must be true or false"),
      v.transform((s) => s === "true" || s === "1"),
    ),
    defaultValue ? "true" : "false",
  ) as unknown as EnvVar<boolean>;
}

/** A comma-separated list; with `item`, every entry must match it. */
export function listVar(
  defaultValue: readonly string[],
  item?: { pattern: RegExp; expected: string },
): EnvVar<string[]> {
  return v.optional(
    v.pipe(
      v.string(),
      v.transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      ),
      v.check(
        (list) => !item || list.every((entry) => item.pattern.test(entry)),
        `must be a comma-separated list of ${item?.expected ?? "values"}`,
      ),
    ),
    defaultValue.join(","),
  ) as unknown as EnvVar<string[]>;
}
