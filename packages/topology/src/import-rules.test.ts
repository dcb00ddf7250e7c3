import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "./index.js";
import { repoRoot } from "./repo-root.js";

// The boundaries in biome.jsonc, proved on fixture files: the repo's own config, copied to a scratch folder
// that mirrors the repo's layout, linted by the repo's Biome.
const root = repoRoot();
const CONFIG = join(root, "biome.jsonc");
const BIOME = join(root, "node_modules", ".bin", "biome");
const RULE = "lint/style/noRestrictedImports";

const importing = (...modules: string[]): string =>
  `${modules.map((m, i) => `import * as m${i} from "${m}";`).join("\n")}\nexport const all = [${modules.map((_, i) => `m${i}`).join(", ")}];\n`;

/** Each fixture: where it sits, what it imports, and whether the rule must report it. */
const FIXTURES: ReadonlyArray<readonly [path: string, source: string, reported: boolean]> = [
  ["services/orders/src/imports-another-service.ts", importing("@bazaar/users/service"), true],
  ["services/orders/src/imports-another-package-root.ts", importing("@bazaar/inventory"), true],
  ["services/notifications/src/imports-the-gateway.ts", importing("@bazaar/gateway/service"), true],
  ["services/orders/src/imports-kit-internals.ts", importing("@bazaar/service-kit/internal"), true],
  [
    "services/orders/src/imports-kit-sources.ts",
    importing("../../../packages/service-kit/src/index.js"),
    true,
  ],
  [
    "services/orders/src/allowed.ts",
    importing("@bazaar/contracts", "@bazaar/service-kit", "@bazaar/saga"),
    false,
  ],
  ["services/gateway/src/routes/imports-a-service.ts", importing("@bazaar/users/service"), true],
  // No exception: the gateway's system-test harness loads the services from their folders (the registry).
  ["services/gateway/src/test-support/system.ts", importing("@bazaar/users/service"), true],
  ["services/gateway/src/test-support/kit.ts", importing("@bazaar/service-kit/internal"), true],
  ["tools/ops/src/imports-kit-internals.ts", importing("@bazaar/service-kit/internal"), true],
  ["packages/contracts/src/imports-kit-internals.ts", importing("@bazaar/service-kit/internal"), true],
  ["tools/dev/src/imports-a-service.ts", importing("@bazaar/users/service"), false],
  ["packages/service-kit/src/imports-its-own-internals.ts", importing("@bazaar/service-kit/internal"), false],
  // No exception is left: what tools and test support needed from the internals is on the platform door.
  ["tools/deploy/src/k8s/kit-routes.ts", importing("@bazaar/service-kit/internal"), true],
  ["tools/faults/src/invariants/test-support/service-db.ts", importing("@bazaar/service-kit/internal"), true],
  ["packages/saga/src/test-support/saga-fixtures.ts", importing("@bazaar/service-kit/internal"), true],
  ["tools/deploy/src/k8s/uses-the-platform-door.ts", importing("@bazaar/service-kit/platform"), false],
];

let scratch = "";
let reported = new Set<string>();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "bazaar-import-rules-"));
  copyFileSync(CONFIG, join(scratch, "biome.jsonc"));
  for (const [path, source] of FIXTURES) {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), source);
  }
  const output = await promisify(execFile)(
    BIOME,
    ["lint", "--vcs-enabled=false", "--max-diagnostics=1000", "."],
    {
      cwd: scratch,
    },
  ).then(
    (r) => r.stdout + r.stderr,
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ""}${err.stderr ?? ""}`,
  );
  const lines = output.split("\n").filter((line) => line.includes(RULE));
  reported = new Set(lines.map((line) => line.split(":")[0] ?? ""));
  if (reported.size === 0 && !output.includes("Checked")) throw new Error(`biome did not run:\n${output}`);
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("import boundaries (biome.jsonc, noRestrictedImports)", () => {
  it.each(FIXTURES.map(([path, , must]) => [must ? "reports" : "allows", path, must] as const))(
    "%s %s",
    (_, path, must) => {
      expect(reported.has(path)).toBe(must);
    },
  );

  it("names every service package of the registry in the rule for services/", () => {
    const text = readFileSync(CONFIG, "utf8");
    for (const s of services) {
      expect(text, `biome.jsonc must restrict ${s.package}`).toContain(`"${s.package}",`);
      expect(text, `biome.jsonc must restrict ${s.package}/**`).toContain(`"${s.package}/**"`);
    }
    const restricted = [...text.matchAll(/"(@bazaar\/[a-z-]+)\/\*\*"/g)].map((m) => m[1]).sort();
    expect(restricted).toEqual(services.map((s) => s.package).sort());
  });
});
