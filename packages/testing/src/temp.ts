import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A temporary folder that is removed on `dispose()` (and by `await using`). */
export interface TempDir {
  readonly path: string;
  /** A path inside the folder; parent folders are created. */
  file(name: string): string;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** `tempDir` makes a fresh folder under the OS temp dir. */
export function tempDir(prefix = "bazaar-test-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const dispose = (): void => rmSync(path, { recursive: true, force: true });
  return {
    path,
    file(name: string) {
      const full = join(path, name);
      mkdirSync(join(full, ".."), { recursive: true });
      return full;
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}

/** `tempSqliteFile` gives a path for a real SQLite file in its own temp folder, with its cleanup. */
export function tempSqliteFile(name = "test.db"): { readonly path: string; readonly dir: TempDir } {
  const dir = tempDir("bazaar-sqlite-");
  return { path: dir.file(name), dir };
}
