import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleMain } from "./bundle/bundle-main.js";
import { buildCommand, deployCommand } from "./commands.js";
import { type FolderReport, inspectDeployFolder } from "./inspect-folder.js";
import { findRepoRoot, findService, type ServiceInfo } from "./repo.js";
import { run } from "./run.js";
import { slimDeployFolder } from "./slim-folder.js";

export interface DeployServiceOptions {
  /** `users` or `@bazaar/users`. */
  readonly name: string;
  /** Default `<repo>/dist/deploy/<name>`. Replaced if it holds an earlier deploy of the same service. */
  readonly outDir?: string;
  /** Compile the service and its workspace dependencies first (default true; turbo skips what is built). */
  readonly build?: boolean;
  /** Stream the commands' output (the CLI) instead of keeping it for error messages (tests). */
  readonly inherit?: boolean;
  readonly root?: string;
}

export interface DeployResult extends FolderReport {
  readonly service: ServiceInfo;
}

/** A deploy folder that was produced but cannot ship; `problems` says why. */
export class DeployFolderError extends Error {
  override readonly name = "DeployFolderError";
  constructor(readonly report: DeployResult) {
    super(
      `${report.service.name}: ${report.dir} cannot ship:\n${report.problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** `defaultOutDir` is where `pnpm deploy:service <name>` writes: git-ignored `dist/deploy/<name>`. */
export function defaultOutDir(name: string, root: string = findRepoRoot()): string {
  return join(root, "dist", "deploy", name);
}

/** Refuses to delete anything but an empty folder or an earlier deploy of this very service. */
function clearOutDir(outDir: string, service: ServiceInfo): void {
  if (!existsSync(outDir)) return;
  if (readdirSync(outDir).length === 0) return;
  const manifest = join(outDir, "package.json");
  const earlier =
    existsSync(manifest) &&
    (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === service.packageName;
  if (!earlier)
    throw new Error(`${outDir} is not empty and is not a deploy folder of ${service.packageName}`);
  rmSync(outDir, { recursive: true, force: true });
}

/**
 * `deployService` produces the self-contained folder of one service: it builds the service and its
 * workspace dependencies, runs `pnpm deploy --prod`, drops what never runs, bundles `dist/main.js` (see
 * `bundleMain`), and checks the result
 * (throwing `DeployFolderError` with every problem). The folder starts with `npm start` and environment
 * variables only.
 *
 * @example
 * const folder = await deployService({ name: "orders", outDir: "/tmp/orders" });
 * // cd /tmp/orders && NATS_URL=nats://nats:4222 DATA_DIR=/data PORT=8080 NODE_ENV=production npm start
 */
export async function deployService(options: DeployServiceOptions): Promise<DeployResult> {
  const root = options.root ?? findRepoRoot();
  const service = findService(options.name, root);
  const outDir = resolve(options.outDir ?? defaultOutDir(service.name, root));
  const inherit = options.inherit ?? false;
  if (options.build ?? true) {
    const [command, ...args] = buildCommand(service.packageName);
    await run(command as string, args, { cwd: root, inherit });
  }
  clearOutDir(outDir, service);
  const [command, ...args] = deployCommand(service.packageName, outDir);
  await run(command as string, args, { cwd: root, inherit });
  slimDeployFolder(outDir);
  // The compiled output is checked as built; bundling then only rewrites its entry point.
  const report = { ...inspectDeployFolder(outDir, service), service };
  if (report.problems.length > 0) throw new DeployFolderError(report);
  await bundleMain(outDir);
  return report;
}

/**
 * `buildServices` compiles several services and their dependencies in one turbo run, continuing past a
 * failing package so the others still build; it resolves with whether every build passed and the output.
 */
export async function buildServices(
  names: readonly string[],
  root: string = findRepoRoot(),
): Promise<{ ok: boolean; output: string }> {
  const filters = names.map((name) => `--filter=${findService(name, root).packageName}...`);
  try {
    const output = await run("pnpm", ["turbo", "run", "build", "--continue", ...filters], { cwd: root });
    return { ok: true, output };
  } catch (err) {
    return { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
}
