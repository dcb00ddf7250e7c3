import { describe, expect, it } from "vitest";
import { engineFor, open, recorder, start, step } from "./test-support/saga-fixtures.js";

// Each commit is an fsync with durable settings: a step's success and what follows it share one.
describe("SagaEngine commits", () => {
  it("commits once per step: the next step's start and the saga's end ride on the step's success", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let commits = 0;
    const engine = engineFor(sqlite, [step(rec, "a"), step(rec, "b"), step(rec, "c")], rec, {}, undefined, {
      onTransaction: () => commits++,
    });
    const id = start(engine, sqlite);
    await engine.run(id);
    // Separately, it was 3 starts, 3 successes and the end: 7.
    expect(commits).toBe(3);
    const view = engine.get(id);
    expect(view?.status).toBe("completed");
    expect(rec.completed).toHaveLength(1);
    expect(view?.steps.map((s) => s.attempts)).toEqual([1, 1, 1]);
    expect(view?.history.map((h) => `${h.step ?? "saga"}:${h.outcome}`)).toEqual([
      "saga:started",
      "a:started",
      "a:succeeded",
      "b:started",
      "b:succeeded",
      "c:started",
      "c:succeeded",
      "saga:succeeded",
    ]);
  });

  it("records a step's start before its call even when the saga was created by an earlier process", async () => {
    const { sqlite, path } = open();
    const rec = recorder();
    const id = start(engineFor(sqlite, [step(rec, "a")], rec), sqlite);
    sqlite.close();
    // A restart between creation and the first call: the new engine cannot know the start was recorded, so
    // it records it again, as a second attempt (the step may have been called before the crash).
    const reopened = open(path).sqlite;
    const engine = engineFor(reopened, [step(rec, "a")], rec);
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("completed");
    expect(engine.get(id)?.steps[0]?.attempts).toBe(2);
    expect(rec.calls).toEqual([`a:${id}:a`]);
  });

  it("does not finish a saga whose cancel came while its last step ran before the pivot: it compensates", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let cancel: () => void = () => {};
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a"),
        step(rec, "b", {
          execute: async () => {
            cancel();
            return undefined;
          },
        }),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    cancel = () => {
      sqlite.transaction(() => engine.requestCancel(id, "changed my mind"))();
    };
    await engine.run(id);
    expect(rec.completed).toHaveLength(0);
    expect(rec.compensated[0]?.reason).toBe("cancelled: changed my mind");
    expect(rec.calls).toEqual([`a:${id}:a`, `b:${id}:b`, `undo-b:${id}:b:undo`, `undo-a:${id}:a:undo`]);
  });
});
