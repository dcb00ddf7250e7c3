import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHistory } from "./history-writer.js";
import { readHistory } from "./read-history.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function file(): string {
  const dir = mkdtempSync(join(tmpdir(), "faults-history-"));
  dirs.push(dir);
  return join(dir, "run", "history.jsonl");
}

describe("history", () => {
  it("stamps each entry with the harness clock and reads back what was written, in order", () => {
    let now = 10;
    const history = createHistory({ file: file(), now: () => now++ });
    history.record({ type: "load", action: "start" });
    history.record({ type: "ack", key: "k1", orderId: "o1" });
    expect(readHistory(history.file)).toEqual([
      { t: 10, type: "load", action: "start" },
      { t: 11, type: "ack", key: "k1", orderId: "o1" },
    ]);
    expect(history.entries()).toHaveLength(2);
  });

  it("drops a torn last line (the harness died mid-write) but refuses a bad line in the middle", () => {
    const history = createHistory({ file: file() });
    history.record({ type: "load", action: "start" });
    appendFileSync(history.file, '{"t": 5, "type": "ack", "key"');
    expect(readHistory(history.file)).toHaveLength(1);
    appendFileSync(history.file, '\n{"t": 6, "type": "load", "action": "stop"}\n');
    expect(() => readHistory(history.file)).toThrow(/history\.jsonl:2:/);
  });
});
