import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** `repoRoot` is the folder holding `pnpm-workspace.yaml` above `start` (by default this package's). */
export function repoRoot(start: string = import.meta.dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}
