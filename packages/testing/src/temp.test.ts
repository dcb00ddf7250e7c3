import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { tempDir, tempSqliteFile } from "./temp.js";

describe("tempSqliteFile", () => {
  it("gives a path where a real SQLite file lives until disposed", () => {
    const { path, dir } = tempSqliteFile("orders.db");
    const db = new Database(path);
    db.exec("CREATE TABLE t (x INTEGER)");
    db.prepare("INSERT INTO t VALUES (?)").run(42);
    db.close();
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare("SELECT x FROM t").get()).toEqual({ x: 42 });
    reopened.close();
    dir.dispose();
    expect(existsSync(path)).toBe(false);
  });
});

describe("tempDir", () => {
  it("creates nested parents for file() and cleans up with using", () => {
    let path = "";
    {
      using dir = tempDir();
      path = dir.file("a/b/c.txt");
      expect(existsSync(dir.path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });
});
