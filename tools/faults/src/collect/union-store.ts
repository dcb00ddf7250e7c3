import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

/**
 * `unionStore` writes one SQLite file holding every row of every table of a partitioned service's
 * partition files, so the service's own invariants, written for its whole data, run on the
 * whole of it. Tables are copied without their constraints: ids local to a partition (an outbox's
 * sequence) may repeat across partitions. Returns the new file's path.
 */
export function unionStore(service: string, files: readonly string[]): string {
  const out = join(mkdtempSync(join(tmpdir(), `bazaar-faults-${service}-`)), `${service}.db`);
  const db = new Database(out);
  try {
    files.forEach((file, i) => {
      // Only read from: the service may still be running on it.
      db.prepare("ATTACH DATABASE ? AS ?").run(file, `p${i}`);
      const tables = db
        .prepare(`SELECT name FROM p${i}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .all() as Array<{ name: string }>;
      for (const { name } of tables) {
        const quoted = `"${name.replaceAll('"', '""')}"`;
        db.exec(`CREATE TABLE IF NOT EXISTS main.${quoted} AS SELECT * FROM p${i}.${quoted} WHERE 0`);
        db.exec(`INSERT INTO main.${quoted} SELECT * FROM p${i}.${quoted}`);
      }
      db.exec(`DETACH DATABASE p${i}`);
    });
  } finally {
    db.close();
  }
  return out;
}
