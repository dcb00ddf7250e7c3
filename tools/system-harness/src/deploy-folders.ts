import { existsSync } from "node:fs";
import { join } from "node:path";
import { runCommand } from "./run-command.js";
import type { TopologyService } from "./topology-services.js";

export interface DeployFoldersOptions {
  readonly root: string;
  readonly services: readonly TopologyService[];
  /** Where the folders go: `<dir>/<service>`. */
  readonly dir: string;
  /** Keep folders that are already there (a second run on unchanged code). */
  readonly reuse: boolean;
  readonly log: (line: string) => void;
}

/**
 * `deployFolders` builds the production folder of every service exactly as shipping does (`pnpm
 * deploy:service`: compiled code, migrations, production dependencies with the SQLite addon): one turbo
 * build for all, then one folder per service. Resolves with each service's folder.
 */
export async function deployFolders(options: DeployFoldersOptions): Promise<Map<string, string>> {
  const { root, services, dir, log } = options;
  const folders = new Map(services.map((s) => [s.name, join(dir, s.name)]));
  const missing = services.filter(
    (s) => !(options.reuse && existsSync(join(dir, s.name, "dist", "main.js"))),
  );
  if (missing.length === 0) {
    log(`deploy folders reused from ${dir}`);
    return folders;
  }
  const started = Date.now();
  log(`building ${missing.map((s) => s.name).join(", ")}`);
  // The build `pnpm deploy:service` runs (`buildCommand`), once for every service: turbo orders and caches it.
  await runCommand({
    command: "pnpm",
    args: [
      "turbo",
      "run",
      "build",
      "--output-logs=errors-only",
      ...missing.map((s) => `--filter=${s.packageName}...`),
    ],
    cwd: root,
  });
  for (const service of missing) {
    await runCommand({
      command: "pnpm",
      args: ["deploy:service", service.name, "--out", join(dir, service.name), "--skip-build"],
      cwd: root,
    });
    log(`  ${service.name} → ${join(dir, service.name)}`);
  }
  log(`deploy folders ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return folders;
}
