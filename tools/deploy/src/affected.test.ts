import { execFileSync } from "node:child_process";
import { tempDir } from "@bazaar/testing";
import { describe, expect, it } from "vitest";
import { chooseScmBase, gitRefExists, turboArgs } from "./affected.js";

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
    cwd,
    stdio: "ignore",
  });
}

describe("chooseScmBase, in a real git repository", () => {
  it("falls back from TURBO_SCM_BASE to origin/main to HEAD^ to every package", () => {
    using repo = tempDir("bazaar-affected-");
    const exists = (ref: string) => gitRefExists(repo.path, ref);
    git(repo.path, "init", "-q", "-b", "main");
    git(repo.path, "commit", "-q", "--allow-empty", "-m", "one");
    // A single-commit (or shallow) clone: nothing to compare with, so everything runs.
    expect(chooseScmBase({}, exists).base).toBeUndefined();
    expect(turboArgs(chooseScmBase({}, exists), [])).not.toContain("--affected");

    git(repo.path, "commit", "-q", "--allow-empty", "-m", "two");
    // A clone with no remote: the previous commit.
    expect(chooseScmBase({}, exists).base).toBe("HEAD^");

    git(repo.path, "update-ref", "refs/remotes/origin/main", "HEAD^");
    expect(chooseScmBase({}, exists).base).toBe("origin/main");

    // CI names the base explicitly (the pull request's target).
    expect(chooseScmBase({ TURBO_SCM_BASE: "release/1.x" }, exists)).toEqual({
      base: "release/1.x",
      reason: "TURBO_SCM_BASE",
    });
    expect(turboArgs(chooseScmBase({}, exists), ["--dry=json"])).toEqual([
      "run",
      "lint",
      "typecheck",
      "test",
      "--continue",
      "--affected",
      "--dry=json",
    ]);
  });
});
