import {
  InternalError,
  runInScope,
  UnavailableError,
  UnprocessableError,
} from "@bazaar/service-kit/platform";
import { describe, expect, it } from "vitest";
import { engineFor, open, type Recorder, recorder, start, step } from "./test-support/saga-fixtures.js";

describe("SagaEngine", () => {
  it("runs steps in order, merges their data, and completes once", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [step(rec, "a"), step(rec, "b", { execute: async () => ({ paymentId: "p-1" }) }), step(rec, "c")],
      rec,
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(rec.calls).toEqual([`a:${id}:a`, `b:${id}:b`, `c:${id}:c`]);
    expect(rec.completed).toHaveLength(1);
    expect(rec.completed[0]?.data).toEqual({ orderId: "o-1", paymentId: "p-1" });
    const view = engine.get(id);
    expect(view?.status).toBe("completed");
    expect(view?.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["a", "done", 1],
      ["b", "done", 1],
      ["c", "done", 1],
    ]);
    expect(view?.history.filter((h) => h.phase === "execute").map((h) => `${h.step}:${h.outcome}`)).toEqual([
      "a:started",
      "a:succeeded",
      "b:started",
      "b:succeeded",
      "c:started",
      "c:succeeded",
    ]);
  });

  it("records the trace it started in, for an operator to open its waterfall", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(sqlite, [step(rec, "a")], rec);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const id = runInScope({ trace: { traceId, spanId: "00f067aa0ba902b7", sampled: true } }, () =>
      start(engine, sqlite),
    );
    expect(engine.get(id)?.traceId).toBe(traceId);
    expect(engine.list({ limit: 10 }).items[0]?.traceId).toBe(traceId);
    // Outside any request (a saga started by a script, say) there is none.
    expect(engine.get(start(engine, sqlite, "o-2"))?.traceId).toBeNull();
  });

  it("compensates completed steps in reverse order after a business failure", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a"),
        step(rec, "b"),
        step(rec, "c", {
          execute: () => Promise.reject(new UnprocessableError("card declined", { reason: "CARD_DECLINED" })),
        }),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(rec.calls).toEqual([
      `a:${id}:a`,
      `b:${id}:b`,
      `c:${id}:c`,
      `undo-b:${id}:b:undo`,
      `undo-a:${id}:a:undo`,
    ]);
    expect(rec.compensated).toHaveLength(1);
    expect(rec.compensated[0]?.reason).toBe("c failed: UNPROCESSABLE/CARD_DECLINED: card declined");
    expect(engine.get(id)?.steps.map((s) => s.status)).toEqual(["compensated", "compensated", "failed"]);
  });

  it("retries a transient failure with growing delays, then succeeds", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const times: number[] = [];
    let failures = 2;
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a", {
          execute: async () => {
            times.push(Date.now());
            if (failures-- > 0) throw new UnavailableError("down");
            return undefined;
          },
        }),
      ],
      rec,
      { baseDelayMs: 60 },
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(rec.completed).toHaveLength(1);
    expect(times).toHaveLength(3);
    const [t0, t1, t2] = times as [number, number, number];
    expect(t2 - t1).toBeGreaterThan(t1 - t0);
    expect(engine.get(id)?.steps[0]?.attempts).toBe(3);
    expect(engine.get(id)?.history.filter((h) => h.outcome === "retrying")).toHaveLength(2);
  });

  it("treats a step whose retries ran out as uncertain and compensates it too", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [step(rec, "a"), step(rec, "b", { execute: () => Promise.reject(new UnavailableError("timeout")) })],
      rec,
      { stepBudgetMs: 150 },
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(rec.calls.filter((c) => c.startsWith("undo"))).toEqual([
      `undo-b:${id}:b:undo`,
      `undo-a:${id}:a:undo`,
    ]);
    expect(engine.get(id)?.history.some((h) => h.outcome === "gave_up")).toBe(true);
    expect(rec.compensated).toHaveLength(1);
  });

  it("parks a saga whose compensation keeps failing, and an operator's retry finishes it", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let refundWorks = false;
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a"),
        step(rec, "charge", {
          compensate: async () => {
            if (!refundWorks) throw new UnavailableError("refund failed");
          },
        }),
        step(rec, "ship", { execute: () => Promise.reject(new UnprocessableError("unsupported country")) }),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("requires_attention");
    expect(rec.attention).toEqual([
      { step: "charge", phase: "compensate", attempts: 3, error: "UNAVAILABLE: refund failed" },
    ]);
    expect(rec.compensated).toHaveLength(0);
    expect(engine.list({ status: "requires_attention", limit: 10 }).items.map((s) => s.sagaId)).toEqual([id]);
    // The admin view says why it waits; the customer's reason is kept for when it ends.
    expect(engine.get(id)?.failureReason).toMatch(/^compensation of charge failed 3 times/);

    refundWorks = true;
    expect(engine.retry(id).status).toBe("compensating");
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("compensated");
    expect(rec.compensated).toHaveLength(1);
    expect(rec.compensated[0]?.reason).toBe("ship failed: UNPROCESSABLE: unsupported country");
    expect(engine.get(id)?.failureReason).toBe("ship failed: UNPROCESSABLE: unsupported country");
    expect(rec.calls.filter((c) => c.startsWith("undo-a"))).toHaveLength(1);
    expect(() => engine.retry(id)).toThrow(/only a saga that requires attention/);
  });

  it("resumes after a crash from its last recorded step, repeating the interrupted step with the same key", async () => {
    const { sqlite, path } = open();
    const rec = recorder();
    let hang = true;
    const steps = (r: Recorder) => [
      step(r, "reserve"),
      step(r, "charge", {
        execute: () => (hang ? new Promise<undefined>(() => {}) : Promise.resolve({ paymentId: "p-9" })),
      }),
      step(r, "ship"),
    ];
    const first = engineFor(sqlite, steps(rec), rec);
    const id = start(first, sqlite);
    void first.run(id);
    await new Promise((r) => setTimeout(r, 100));
    await first.stop(50);
    sqlite.close();
    expect(rec.calls).toEqual([`reserve:${id}:reserve`, `charge:${id}:charge`]);

    hang = false;
    const again = open(path);
    const rec2 = recorder();
    const second = engineFor(again.sqlite, steps(rec2), rec2);
    expect(second.resume()).toBe(1);
    await second.run(id);
    expect(rec2.calls).toEqual([`charge:${id}:charge`, `ship:${id}:ship`]);
    expect(rec2.completed[0]?.data).toEqual({ orderId: "o-1", paymentId: "p-9" });
    expect(second.get(id)?.steps.map((s) => s.attempts)).toEqual([1, 2, 1]);
  });

  it("never runs the same saga twice at once", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a", { execute: () => new Promise((r) => setTimeout(() => r(undefined), 50)) }),
        step(rec, "b"),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    await Promise.all([engine.run(id), engine.run(id), engine.resume() && engine.run(id)]);
    expect(rec.calls).toEqual([`a:${id}:a`, `b:${id}:b`]);
    expect(rec.completed).toHaveLength(1);
  });

  it("compensates on a cancel requested while a step runs", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let release: () => void = () => {};
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a"),
        step(rec, "b", {
          execute: () =>
            new Promise((r) => {
              release = () => r(undefined);
            }),
        }),
        step(rec, "c"),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    const run = engine.run(id);
    await new Promise((r) => setTimeout(r, 50));
    expect(sqlite.transaction(() => engine.requestCancel(id, "customer changed their mind"))()).toBe(true);
    release();
    await run;
    expect(rec.calls).toEqual([`a:${id}:a`, `b:${id}:b`, `undo-b:${id}:b:undo`, `undo-a:${id}:a:undo`]);
    expect(rec.compensated[0]?.reason).toBe("cancelled: customer changed their mind");
    expect(sqlite.transaction(() => engine.requestCancel(id, "again"))()).toBe(false);
  });

  it("runs many sagas concurrently without blocking each other", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let active = 0;
    let maxActive = 0;
    const slow = async (): Promise<undefined> => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 50));
      active--;
      return undefined;
    };
    const engine = engineFor(sqlite, [step(rec, "a", { execute: slow })], rec);
    const ids = Array.from({ length: 50 }, (_, i) => start(engine, sqlite, `o-${i}`));
    await Promise.all(ids.map((id) => engine.run(id)));
    expect(rec.completed).toHaveLength(50);
    // All fifty were in their step at the same time: no saga waited for another.
    expect(maxActive).toBe(50);
    expect(engine.findByCorrelation("o-7")?.status).toBe("completed");
    const page1 = engine.list({ limit: 20 });
    const page2 = engine.list({ limit: 40, cursor: page1.nextCursor ?? undefined });
    expect(new Set([...page1.items, ...page2.items].map((s) => s.sagaId)).size).toBe(50);
  });

  it("compensates a step that failed with INTERNAL: it may have taken effect", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "a"),
        step(rec, "b", { execute: () => Promise.reject(new InternalError("reply broke its contract")) }),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(rec.calls.filter((c) => c.startsWith("undo"))).toEqual([
      `undo-b:${id}:b:undo`,
      `undo-a:${id}:a:undo`,
    ]);
    expect(engine.get(id)?.status).toBe("compensated");
  });

  it("past the pivot, retries transient failures within the budget, then parks for an operator without compensating", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let down = true;
    const engine = engineFor(
      sqlite,
      [
        step(rec, "ship"),
        step(rec, "commit", {
          execute: async () => {
            if (down) throw new UnavailableError("down");
            return undefined;
          },
        }),
      ],
      rec,
      { stepBudgetMs: 100 },
      "commit",
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("requires_attention");
    expect(engine.get(id)?.steps[1]?.attempts).toBeGreaterThan(1);
    expect(rec.attention).toMatchObject([{ step: "commit", phase: "execute", error: "UNAVAILABLE: down" }]);
    expect(rec.calls.some((c) => c.startsWith("undo"))).toBe(false);

    // The operator's retry runs the failed step again, forward, with the same key: nothing is undone.
    down = false;
    expect(engine.retry(id).status).toBe("running");
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("completed");
    expect(rec.completed).toHaveLength(1);
    expect(rec.compensated).toHaveLength(0);
    expect(rec.calls.some((c) => c.startsWith("undo"))).toBe(false);
    expect(rec.calls.filter((c) => c === `ship:${id}:ship`)).toHaveLength(1);
    expect(rec.calls.at(-1)).toBe(`commit:${id}:commit`);
  });

  it("parks a saga whose step fails for good past the pivot, without compensating", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "ship"),
        step(rec, "commit", { execute: () => Promise.reject(new UnprocessableError("already released")) }),
      ],
      rec,
      {},
      "commit",
    );
    const id = start(engine, sqlite);
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("requires_attention");
    expect(rec.attention).toEqual([
      { step: "commit", phase: "execute", attempts: 1, error: "UNPROCESSABLE: already released" },
    ]);
    expect(rec.calls.some((c) => c.startsWith("undo"))).toBe(false);
    expect(sqlite.transaction(() => engine.requestCancel(id, "too late"))()).toBe(false);
    // Still failing: retried forward again, parked again, still nothing undone.
    engine.retry(id);
    await engine.run(id);
    expect(engine.get(id)?.status).toBe("requires_attention");
    expect(rec.attention).toHaveLength(2);
    expect(rec.calls.some((c) => c.startsWith("undo"))).toBe(false);
  });
});
