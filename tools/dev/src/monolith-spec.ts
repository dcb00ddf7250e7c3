/** What the dev runner passes to its monolith child (`monolith-main.ts`), as JSON in one variable. */
export interface MonolithSpec {
  readonly natsUrl: string;
  readonly dataDir: string;
  readonly ports: Record<string, number>;
  readonly only: string[];
  readonly env: Record<string, string>;
  readonly envFor: Record<string, Record<string, string>>;
}

export const MONOLITH_VARIABLE = "BAZAAR_DEV_MONOLITH";

/** `parseMonolithSpec` reads the spec back; the runner wrote it, so a shape check is enough. */
export function parseMonolithSpec(text: string | undefined): MonolithSpec {
  const spec: unknown = JSON.parse(text ?? "null");
  if (typeof spec !== "object" || spec === null || !("natsUrl" in spec) || !("dataDir" in spec))
    throw new Error(`${MONOLITH_VARIABLE} is missing: this process is started by \`pnpm dev:monolith\``);
  return spec as MonolithSpec;
}
