import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { unionStore } from "./union-store.js";

const dir = mkdtempSync(join(tmpdir(), "bazaar-union-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function partitionFile(name: string, rows: ReadonlyArray<[number, string]>): string {
  const file = join(dir, name);
  const db = new Database(file);
  db.exec("CREATE TABLE kit_outbox (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE)");
  for (const [id, eventId] of rows) db.prepare("INSERT INTO kit_outbox VALUES (?, ?)").run(id, eventId);
  db.close();
  return file;
}

it("holds every row of every partition's tables, ids that repeat across partitions included", () => {
  const a = partitionFile("svc.p0.db", [
    [1, "e1"],
    [2, "e2"],
  ]);
  const b = partitionFile("svc.p1.db", [[1, "e3"]]);
  const db = new Database(unionStore("svc", [a, b]), { readonly: true });
  const rows = db.prepare("SELECT id, event_id AS eventId FROM kit_outbox ORDER BY event_id").all();
  db.close();
  expect(rows).toEqual([
    { id: 1, eventId: "e1" },
    { id: 2, eventId: "e2" },
    { id: 1, eventId: "e3" },
  ]);
});
