import type { ServiceInvariant } from "./service-invariant.js";

const NAME = /^[a-z][a-z0-9-]*$/;
const COLUMNS = new Set(["doubleCharges", "stockMismatches", "readModelMismatches"]);

/** A service's invariants module that does not have the suite's shape; the message says what is wrong. */
export class InvalidInvariantsError extends Error {
  override readonly name = "InvalidInvariantsError";
}

function field(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/**
 * `parseServiceInvariants` checks a loaded `invariants.ts` module against `ServiceInvariantsModule`: the
 * module is loaded at run time from a service's build, so its shape is checked here, once, with a message
 * that names the service and the entry.
 */
export function parseServiceInvariants(service: string, module: unknown): readonly ServiceInvariant[] {
  const fail = (what: string): never => {
    throw new InvalidInvariantsError(`${service}/src/invariants.ts: ${what}`);
  };
  if (typeof module !== "object" || module === null) return fail("is not a module");
  const list = field(module, "invariants");
  if (!Array.isArray(list)) return fail("must export `invariants`, an array");
  const names = new Set<string>();
  return list.map((entry: unknown, index) => {
    if (typeof entry !== "object" || entry === null) return fail(`invariants[${index}] is not an object`);
    const name = field(entry, "name");
    if (typeof name !== "string" || !NAME.test(name))
      return fail(`invariants[${index}].name must be kebab-case`);
    if (names.has(name)) return fail(`two invariants are named ${name}`);
    names.add(name);
    if (typeof field(entry, "description") !== "string") return fail(`${name}: description must be a string`);
    const counts = field(entry, "counts");
    if (counts !== undefined && !(typeof counts === "string" && COLUMNS.has(counts)))
      return fail(`${name}: counts must be one of ${[...COLUMNS].join(", ")}`);
    if (typeof field(entry, "check") !== "function") return fail(`${name}: check must be a function`);
    return entry as ServiceInvariant;
  });
}
