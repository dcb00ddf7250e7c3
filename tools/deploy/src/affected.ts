#!/usr/bin/env node
// `pnpm test:affected`: lint, type-check and test only the packages changed since a base ref, and the
// packages that depend on them (turbo's --affected). The base is TURBO_SCM_BASE when set (CI sets it to
// the pull request's target), else origin/main, else the previous commit, so it also works in a clone
// with no remote; with no base at all (a single-commit or shallow clone) it runs everything.
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "./repo.js";

/** Refs tried in order when TURBO_SCM_BASE is not set. */
export const BASE_CANDIDATES = ["origin/main", "HEAD^"] as const;

export interface ScmBase {
  /** The ref to compare with, or undefined to run every package. */
  readonly base: string | undefined;
  readonly reason: string;
}

/** `chooseScmBase` picks the ref `--affected` compares with. `refExists` asks git (tests pass a repo). */
export function chooseScmBase(env: NodeJS.ProcessEnv, refExists: (ref: string) => boolean): ScmBase {
  const configured = env.TURBO_SCM_BASE?.trim();
  if (configured) return { base: configured, reason: "TURBO_SCM_BASE" };
  const found = BASE_CANDIDATES.find(refExists);
  if (found) return { base: found, reason: `the first of ${BASE_CANDIDATES.join(", ")} that exists` };
  return {
    base: undefined,
    reason: `none of ${BASE_CANDIDATES.join(", ")} exists (shallow or single-commit clone)`,
  };
}

/** `gitRefExists` says whether `ref` names a commit in the repository at `cwd`. */
export function gitRefExists(cwd: string, ref: string): boolean {
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The turbo arguments: every package when there is no base to compare with. */
export function turboArgs(base: ScmBase, extra: readonly string[]): string[] {
  return ["run", "lint", "typecheck", "test", "--continue", ...(base.base ? ["--affected"] : []), ...extra];
}

function main(): number {
  const root = findRepoRoot();
  const base = chooseScmBase(process.env, (ref) => gitRefExists(root, ref));
  console.log(
    base.base
      ? `test:affected: packages changed since ${base.base} (${base.reason}) and their dependents`
      : `test:affected: ${base.reason}: running every package`,
  );
  const result = spawnSync("pnpm", ["exec", "turbo", ...turboArgs(base, process.argv.slice(2))], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...(base.base ? { TURBO_SCM_BASE: base.base } : {}) },
    shell: process.platform === "win32",
  });
  return result.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main());
