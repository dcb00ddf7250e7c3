import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot, listServices, readPackageJson } from "./repo.js";

// `pnpm deploy` (root) and `turbo run deploy --filter=@bazaar/<name>` must reach the same folder build as
// `pnpm deploy:service <name>`: turbo builds first (the task depends on `build`), so the script skips it.
const root = findRepoRoot();

interface TurboTask {
  readonly dependsOn?: readonly string[];
  readonly cache?: boolean;
}

describe("deploy scripts", () => {
  it("the root `deploy` delegates to turbo", () => {
    expect(readPackageJson(root).scripts?.deploy).toBe("turbo run deploy");
  });

  it("turbo's deploy task builds the package first and is never cached (it writes outside the package)", () => {
    const turbo = JSON.parse(readFileSync(join(root, "turbo.json"), "utf8")) as {
      tasks: Record<string, TurboTask>;
    };
    expect(turbo.tasks.deploy?.dependsOn).toContain("build");
    expect(turbo.tasks.deploy?.cache).toBe(false);
  });

  it.each(listServices(root).map((s) => [s.name, s] as const))(
    "%s has a deploy script that writes its own folder",
    (name, service) => {
      expect(readPackageJson(service.dir).scripts?.deploy).toBe(
        `pnpm -w run deploy:service ${name} --skip-build`,
      );
    },
  );
});
