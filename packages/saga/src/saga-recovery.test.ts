import { setTimeout as delay } from "node:timers/promises";
import { UnavailableError, UnprocessableError } from "@bazaar/service-kit/platform";
import { describe, expect, it } from "vitest";
import { engineFor, open, recorder, start, step } from "./test-support/saga-fixtures.js";

/** Polls until `check` holds (real time: the sweep and the automatic rounds run on timers). */
async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await delay(10);
  }
}

describe("SagaEngine recovery", () => {
  it("retries a parked compensation by itself, with a long backoff, before it needs an operator", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let failures = 5;
    const engine = engineFor(
      sqlite,
      [
        step(rec, "reserve", {
          compensate: async () => {
            if (failures-- > 0) throw new UnavailableError("inventory is down");
          },
        }),
        step(rec, "charge", { execute: () => Promise.reject(new UnprocessableError("declined")) }),
      ],
      rec,
      { compensationAttempts: 3, autoRetries: 3, autoRetryBaseMs: 100, autoRetryMaxMs: 100 },
      undefined,
      { sweepIntervalMs: 20 },
    );
    const id = start(engine, sqlite);
    engine.resume();
    await engine.run(id);
    // Three attempts failed: the saga waits for its first automatic round and says why and until when.
    const waiting = engine.summary(id);
    expect(waiting.status).toBe("compensating");
    expect(waiting.nextRetryAt).not.toBeNull();
    expect(waiting.failureReason).toMatch(/compensation of reserve failed 3 times: .*retrying by itself at/);
    await until(() => engine.summary(id).status === "compensated");
    expect(rec.attention).toEqual([]);
    expect(rec.compensated).toHaveLength(1);
    expect(engine.summary(id).nextRetryAt).toBeNull();
    await engine.stop();
  });

  it("needs an operator once the automatic rounds are spent, and says why", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "reserve", { compensate: () => Promise.reject(new Error("")) }),
        step(rec, "charge", { execute: () => Promise.reject(new UnprocessableError("declined")) }),
      ],
      rec,
      { compensationAttempts: 2, autoRetries: 2, autoRetryBaseMs: 30, autoRetryMaxMs: 30 },
      undefined,
      { sweepIntervalMs: 10 },
    );
    const id = start(engine, sqlite);
    engine.resume();
    await until(() => engine.summary(id).status === "requires_attention");
    expect(rec.attention).toHaveLength(1);
    // Three rounds of two attempts: the first, then two automatic ones.
    expect(engine.get(id)?.steps[0]?.compensationAttempts).toBe(6);
    expect(engine.summary(id).failureReason).toBe(
      "compensation of reserve failed 2 times: Error with no message",
    );
    await engine.stop();
  });

  it("resumes unfinished sagas a bounded number at a time", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let running = 0;
    let most = 0;
    const slow = step(rec, "slow", {
      execute: async () => {
        most = Math.max(most, ++running);
        await delay(20);
        running--;
        return undefined;
      },
    });
    const engine = engineFor(sqlite, [slow], rec, {}, undefined, { concurrency: 3 });
    const ids = Array.from({ length: 20 }, (_, i) => start(engine, sqlite, `o-${i}`));
    expect(engine.resume()).toBe(20);
    await until(() => rec.completed.length === 20);
    expect(most).toBe(3);
    expect(ids.every((id) => engine.summary(id).status === "completed")).toBe(true);
    await engine.stop();
  });

  it("retries every parked saga in bulk, a bounded number at a time", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let down = true;
    const engine = engineFor(
      sqlite,
      [
        step(rec, "reserve", {
          compensate: async () => {
            if (down) throw new UnavailableError("inventory is down");
          },
        }),
        step(rec, "charge", { execute: () => Promise.reject(new UnprocessableError("declined")) }),
      ],
      rec,
      { compensationAttempts: 1 },
      undefined,
      { concurrency: 2 },
    );
    const ids = Array.from({ length: 5 }, (_, i) => start(engine, sqlite, `o-${i}`));
    await Promise.all(ids.map((id) => engine.run(id)));
    expect(ids.map((id) => engine.summary(id).status)).toEqual(Array(5).fill("requires_attention"));
    down = false;
    expect(engine.retryAll().retried).toBe(5);
    await until(() => rec.compensated.length === 5);
    expect(engine.retryAll().retried).toBe(0);
    await engine.stop();
  });

  it("resumes a saga whose loop threw, and raises the alarm when it keeps throwing", async () => {
    const { sqlite } = open();
    const rec = recorder();
    let throws = 3;
    const engine = engineFor(sqlite, [step(rec, "a")], rec, {}, undefined, {
      sweepIntervalMs: 20,
      stuckAfterCrashes: 3,
      onCompleted: () => {
        if (throws-- > 0) throw new Error("disk I/O error");
      },
    });
    const id = start(engine, sqlite);
    engine.resume();
    await until(() => engine.summary(id).status === "completed");
    // The hook threw three times (each rolled back the end); the sweep resumed it each time.
    expect(rec.completed).toHaveLength(1);
    expect(rec.stuck).toEqual([{ crashes: 3, error: "disk I/O error" }]);
    expect(engine.counts().stuck).toBe(0);
    await engine.stop();
  });

  it("records a step's failure and the start of its compensation in one transaction", async () => {
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        step(rec, "reserve"),
        step(rec, "charge", { execute: () => Promise.reject(new UnprocessableError("no")) }),
      ],
      rec,
    );
    const id = start(engine, sqlite);
    // The write that starts compensation fails (a real SQLite error, as a full disk would raise).
    sqlite.exec(`CREATE TRIGGER no_compensation BEFORE UPDATE OF status ON saga_instances
      WHEN NEW.status = 'compensating' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    await engine.run(id);
    // Nothing of the failure committed either: the step is still the running one, never "failed" in a
    // saga that runs forward (which a restart would then run again past its recorded failure).
    const view = engine.get(id);
    expect(view?.status).toBe("running");
    expect(view?.steps[1]?.status).toBe("running");
    sqlite.exec("DROP TRIGGER no_compensation");
    await engine.run(id);
    expect(engine.summary(id).status).toBe("compensated");
    await engine.stop();
  });
});
