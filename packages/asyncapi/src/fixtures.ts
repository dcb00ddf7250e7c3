import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EventContract } from "@bazaar/contracts";

/** The contracts' sample envelopes (`fixtures/<type>.v<version>/*.json`), where the package keeps them. */
export function fixtureExamples(): (event: EventContract) => unknown[] {
  // The package's entry is src/index.ts or dist/index.js: the fixtures are beside either folder.
  const entry = fileURLToPath(import.meta.resolve("@bazaar/contracts"));
  const root = join(dirname(dirname(entry)), "fixtures");
  return (event) => {
    const dir = join(root, `${event.type}.v${event.version}`);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as unknown);
  };
}
