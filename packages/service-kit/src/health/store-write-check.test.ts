import { tempSqliteFile } from "@bazaar/testing";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open-store.js";
import { CheckFailed } from "./readiness.js";
import { type StoreWriteCheckOptions, storeWriteCheck } from "./store-write-check.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function store(): Store<Record<string, never>> {
  const file = tempSqliteFile("probe.db");
  const s = openStore({ file: file.path, schema: {} });
  cleanups.push(() => {
    s.close();
    file.dir.dispose();
  });
  return s;
}

// A fresh check each time (minIntervalMs 0) so that each call probes.
const probe = (s: Store<Record<string, never>>, extra: Partial<StoreWriteCheckOptions> = {}): unknown =>
  storeWriteCheck({ sqlite: s.sqlite, file: s.file, minIntervalMs: 0, ...extra }).run();

const failure = (result: unknown): string | undefined =>
  result instanceof CheckFailed ? result.output : undefined;

describe("the SQLite readiness check writes for real", () => {
  it("passes on a healthy file, with a committed heartbeat another connection can read", () => {
    const s = store();
    expect(failure(probe(s))).toBeUndefined();
    const other = new Database(s.file, { readonly: true });
    try {
      const row = other.prepare("SELECT beat_at FROM kit_heartbeat WHERE name = 'readiness'").get() as
        | { beat_at: number }
        | undefined;
      expect(row?.beat_at).toBeGreaterThan(Date.now() - 10_000);
    } finally {
      other.close();
    }
  });

  it("fails on a read-only database, where SELECT 1 still passes", () => {
    const s = store();
    // Tests run as root, for whom chmod does not stop writes: query_only refuses them as a read-only file does.
    s.sqlite.pragma("query_only = ON");
    expect(() => s.check()).not.toThrow();
    expect(failure(probe(s))).toContain("SQLITE_READONLY");
    s.sqlite.pragma("query_only = OFF");
    expect(failure(probe(s))).toBeUndefined();
  });

  it("fails when the database cannot grow, though an in-place write still succeeds", () => {
    const s = store();
    expect(failure(probe(s))).toBeUndefined();
    s.sqlite.pragma(`max_page_count = ${Number(s.sqlite.pragma("page_count", { simple: true }))}`);
    // The heartbeat row is updated in place: that write alone would not notice.
    expect(() =>
      s.sqlite.prepare("UPDATE kit_heartbeat SET beat_at = ? WHERE name = 'readiness'").run(Date.now()),
    ).not.toThrow();
    expect(() => s.sqlite.prepare("CREATE TABLE grows (x BLOB)").run()).toThrow(/full/);
    expect(failure(probe(s))).toContain("SQLITE_FULL");
  });

  it("fails when the disk holding the database is short of space", () => {
    const s = store();
    expect(failure(probe(s, { minFreeBytes: Number.MAX_SAFE_INTEGER }))).toMatch(/SQLITE_FULL: \d+ KiB free/);
  });

  it("fails when another connection holds the write lock, within its short busy timeout", () => {
    const s = store();
    const other = new Database(s.file);
    try {
      other.exec("BEGIN IMMEDIATE");
      const started = performance.now();
      expect(failure(probe(s, { busyTimeoutMs: 100 }))).toContain("SQLITE_BUSY");
      expect(performance.now() - started).toBeLessThan(2000);
      other.exec("ROLLBACK");
      // The service's own busy timeout is restored afterwards.
      expect(s.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    } finally {
      other.close();
    }
  });
});
