import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../repo.js";

/** The kustomize release the manifests are rendered with; `install-kustomize` pins it. */
export const KUSTOMIZE_VERSION = "5.8.2";
export const KUSTOMIZE_MODULE = "sigs.k8s.io/kustomize/kustomize/v5";

const exe = process.platform === "win32" ? ".exe" : "";

function answers(path: string): boolean {
  try {
    execFileSync(path, ["version"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * `findKustomize` looks where `findNatsServer` does: `KUSTOMIZE_BIN`, then the repo's `.bin`, then PATH.
 * It returns undefined when none answers `kustomize version`.
 */
export function findKustomize(
  root: string = findRepoRoot(),
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const candidates = [env.KUSTOMIZE_BIN, join(root, ".bin", `kustomize${exe}`), `kustomize${exe}`];
  return candidates.filter((path): path is string => Boolean(path)).find(answers);
}

/** `installKustomize` puts the pinned kustomize into the repo's git-ignored `.bin` with `go install`. */
export function installKustomize(root: string = findRepoRoot()): string {
  const binDir = join(root, ".bin");
  mkdirSync(binDir, { recursive: true });
  const result = spawnSync("go", ["install", `${KUSTOMIZE_MODULE}@v${KUSTOMIZE_VERSION}`], {
    env: { ...process.env, GOBIN: binDir, GOFLAGS: process.env.GOFLAGS ?? "-mod=mod" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    throw new Error(
      `go install ${KUSTOMIZE_MODULE}@v${KUSTOMIZE_VERSION} failed (exit ${result.status ?? result.error?.message}); ` +
        "install Go, or put kustomize on PATH or in KUSTOMIZE_BIN",
    );
  }
  return join(binDir, `kustomize${exe}`);
}

/** `kustomizeBuild` renders a kustomization folder to YAML with the real kustomize. */
export function kustomizeBuild(bin: string, dir: string): string {
  return execFileSync(bin, ["build", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
