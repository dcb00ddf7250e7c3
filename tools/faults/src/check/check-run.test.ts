import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../history/history-entry.js";
import { checkRun } from "./check-run.js";
import type { FinalState } from "./final-state.js";
import { type MadeUpRun, madeUpRun } from "./test-support/made-up-run.js";

const OPTIONS = { terminalBoundMs: 60_000 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends ReadonlyArray<infer U> ? U[] : T[K] };

/** A copy of the made-up run with one thing broken, checked: its violations' invariant names and subjects. */
function broken(mutate: (run: { history: HistoryEntry[]; final: Mutable<FinalState> }) => void) {
  const run = structuredClone(madeUpRun()) as MadeUpRun & { final: Mutable<FinalState> };
  mutate(run);
  const { violations, metrics } = checkRun(run.history, run.final, OPTIONS);
  return { names: [...new Set(violations.map((v) => v.invariant))], violations, metrics };
}

function replaceOrder(final: Mutable<FinalState>, orderId: string, change: Record<string, unknown>) {
  final.orders = final.orders.map((o) => (o.orderId === orderId ? { ...o, ...change } : o));
}

function replaceView(final: Mutable<FinalState>, orderId: string, change: Record<string, unknown>) {
  final.views = final.views.map((v) => (v.orderId === orderId ? { ...v, ...change } : v));
}

describe("checkRun on a run that keeps every promise", () => {
  it("finds nothing and counts the run", () => {
    const { history, final } = madeUpRun();
    const { violations, metrics } = checkRun(history, final, OPTIONS);
    expect(violations).toEqual([]);
    expect(metrics).toEqual({
      attempted: 6,
      acknowledged: 6,
      unanswered: 0,
      confirmed: 3,
      cancelled: 3,
      parked: 0,
      lost: 0,
      doubleCharges: 0,
      stockMismatches: 0,
      readModelMismatches: 0,
      // The heal at +2000; the first good order started after it was confirmed at +2805.
      timeToRecoverMs: 805,
      violations: 0,
    });
  });
});

describe("checkRun fails a run that breaks", () => {
  it("commands-answered: a command given up on, an order refused", () => {
    const { names, violations } = broken(({ history }) => {
      history.push({ t: 1, type: "gave-up", op: "restock", key: "restock-1", attempts: 40 });
      history.push({
        t: 1,
        type: "refused",
        op: "place",
        key: "k9",
        status: 422,
        reason: "IDEMPOTENCY_KEY_REUSED",
      });
    });
    expect(names).toEqual(["commands-answered"]);
    expect(violations.map((v) => v.subject)).toEqual(["restock-1", "k9"]);
  });

  it("acknowledged-orders-settle: an acknowledged order missing, one still pending, one too slow", () => {
    const { violations, metrics } = broken(({ history, final }) => {
      final.orders = final.orders.filter((o) => o.orderId !== "o-good");
      final.views = final.views.filter((v) => v.orderId !== "o-good");
      replaceOrder(final, "o-declined", { status: "pending", cancelReason: null });
      replaceView(final, "o-declined", { status: "pending", cancelReason: null });
      const late = history.find(
        (e) => e.type === "observe" && e.orderId === "o-good-2" && e.status === "confirmed",
      );
      if (late) Object.assign(late, { t: late.t + 120_000 });
    });
    const settle = violations.filter((v) => v.invariant === "acknowledged-orders-settle");
    expect(settle.map((v) => [v.subject, v.counts ?? null])).toEqual([
      ["o-good", "lost"],
      ["o-declined", "lost"],
      ["o-good-2", null],
    ]);
    expect(metrics.lost).toBe(2);
  });

  it("one-order-per-intent: one key acknowledged with two orders; a user with more orders than intents", () => {
    const { violations } = broken(({ history, final }) => {
      history.push({ t: 2_000_000, type: "ack", key: "k1", orderId: "o-twin" });
      final.orders = [
        ...final.orders,
        { ...(final.orders[0] as FinalState["orders"][number]), orderId: "o-twin" },
      ];
      final.views = [
        ...final.views,
        { ...(final.views[0] as FinalState["views"][number]), orderId: "o-twin" },
      ];
    });
    expect(violations.filter((v) => v.invariant === "one-order-per-intent").map((v) => v.subject)).toEqual([
      "k1",
      "u-1",
    ]);
  });

  it("outcome-as-intended: a good order cancelled by a fault, a declined card confirmed, a cancel ignored", () => {
    const { violations } = broken(({ final }) => {
      for (const [id, change] of [
        ["o-good", { status: "cancelled", cancelReason: "the order could not be completed" }],
        ["o-declined", { status: "confirmed", cancelReason: null }],
        ["o-cancel", { status: "confirmed", cancelReason: null }],
      ] as const) {
        replaceOrder(final, id, change);
        replaceView(final, id, change);
      }
    });
    expect(violations.filter((v) => v.invariant === "outcome-as-intended").map((v) => v.subject)).toEqual([
      "o-good",
      "o-declined",
      "o-cancel",
    ]);
  });

  it("outcome-as-intended: a good order parked; any order parked without an alert", () => {
    const parked = { status: "requires_attention", cancelReason: null };
    const { violations } = broken(({ final }) => {
      for (const id of ["o-good", "o-aq"]) {
        replaceOrder(final, id, parked);
        replaceView(final, id, parked);
      }
    });
    const outcome = violations.filter((v) => v.invariant === "outcome-as-intended");
    expect(outcome.map((v) => v.subject)).toEqual(["o-good", "o-aq"]);
    expect(outcome[1]?.message).toContain("without an alert");
  });

  it("outcome-as-intended accepts a parked order an alert names, and a cancel that came too late", () => {
    const { names } = broken(({ history, final }) => {
      const parked = { status: "requires_attention", cancelReason: null };
      replaceOrder(final, "o-aq", parked);
      replaceView(final, "o-aq", parked);
      final.alertedOrders = ["o-aq"];
      const tooLate = { status: "confirmed", cancelReason: null, paymentStatus: "completed" };
      replaceOrder(final, "o-cancel", tooLate);
      replaceView(final, "o-cancel", tooLate);
      for (const e of history) if (e.type === "cancel-answer") Object.assign(e, { status: 409 });
      // The stock the late cancel shipped left the shelf.
      final.products = final.products.map((p) => (p.sku === "PLENTY" ? { ...p, onHand: 97 } : p));
    });
    expect(names).toEqual([]);
  });

  it("cancelled-charges-refunded: a cancelled order still charged", () => {
    const { names, violations } = broken(({ final }) => {
      replaceOrder(final, "o-aq", { paymentStatus: "completed" });
      replaceView(final, "o-aq", { paymentStatus: "completed" });
    });
    expect(names).toEqual(["cancelled-charges-refunded"]);
    expect(violations[0]?.subject).toBe("o-aq");
  });

  it("stock-conserved: a unit gone missing, units held with no order in progress", () => {
    const { violations, metrics } = broken(({ final }) => {
      final.products = [
        { sku: "PLENTY", onHand: 97, reserved: 0 },
        { sku: "SCARCE", onHand: 0, reserved: 1 },
      ];
    });
    expect(violations.filter((v) => v.invariant === "stock-conserved").map((v) => v.subject)).toEqual([
      "PLENTY",
      "SCARCE",
    ]);
    expect(metrics.stockMismatches).toBe(2);
  });

  it("read-model-equals-write-side: a stale status, a missing view, a view of nothing", () => {
    const { violations, metrics } = broken(({ final }) => {
      replaceView(final, "o-good", { status: "pending" });
      final.views = [
        ...final.views.filter((v) => v.orderId !== "o-aq"),
        { ...(final.views[0] as FinalState["views"][number]), orderId: "o-ghost" },
      ];
    });
    expect(
      violations.filter((v) => v.invariant === "read-model-equals-write-side").map((v) => v.subject),
    ).toEqual(["o-good", "o-aq", "o-ghost"]);
    expect(metrics.readModelMismatches).toBe(3);
  });

  it("events-exactly-once: an event twice in its stream, a published event no stream holds", () => {
    const { violations } = broken(({ final }) => {
      const [orders] = final.streams;
      if (!orders) throw new Error("no stream");
      final.streams = [
        {
          ...orders,
          messages: [...orders.messages, { seq: 9, subject: "evt.order.placed.v1", eventId: "e2" }],
        },
        ...final.streams.slice(1),
      ];
      const [store] = final.stores;
      if (!store) throw new Error("no store");
      final.stores = [
        {
          ...store,
          publishedEvents: [...store.publishedEvents, { eventId: "e-lost", subject: "evt.order.placed.v1" }],
        },
      ];
    });
    expect(violations.filter((v) => v.invariant === "events-exactly-once").map((v) => v.subject)).toEqual([
      "e2",
      "e-lost",
    ]);
  });

  it("outboxes-drained and consumers-caught-up: work left behind", () => {
    const { names } = broken(({ final }) => {
      final.stores = final.stores.map((s) => ({ ...s, outboxUnpublished: 3 }));
      final.consumers = final.consumers.map((c) => ({ ...c, ackPending: 2 }));
    });
    expect(names).toEqual(["outboxes-drained", "consumers-caught-up"]);
  });

  it("poison-dead-lettered and no-healthy-event-dead-lettered", () => {
    const { violations } = broken(({ history, final }) => {
      history.push({
        t: 1,
        type: "poison",
        stream: "ORDERS",
        subject: "evt.order.placed.v1",
        seq: 5,
        variant: "not-json",
      });
      history.push({
        t: 1,
        type: "poison",
        stream: "ORDERS",
        subject: "evt.order.placed.v1",
        seq: 6,
        variant: "invalid-data",
      });
      final.deadLetters = [
        // seq 5 twice, seq 6 never, and seq 2, a healthy event.
        {
          seq: 1,
          originStream: "ORDERS",
          originSeq: 5,
          consumer: "order-views__order-placed-v1",
          reason: "invalid",
        },
        {
          seq: 2,
          originStream: "ORDERS",
          originSeq: 5,
          consumer: "order-views__order-placed-v1",
          reason: "invalid",
        },
        {
          seq: 3,
          originStream: "ORDERS",
          originSeq: 2,
          consumer: "order-views__order-placed-v1",
          reason: "max_deliveries",
        },
      ];
    });
    expect(violations.map((v) => [v.invariant, v.subject])).toEqual([
      ["poison-dead-lettered", "ORDERS:5"],
      ["poison-dead-lettered", "ORDERS:6"],
      ["no-healthy-event-dead-lettered", "ORDERS:2"],
    ]);
  });

  it("sqlite-integrity, services-stay-up, final-state-collected", () => {
    const { names } = broken(({ history, final }) => {
      final.stores = final.stores.map((s) => ({
        ...s,
        integrity: ["*** in database main *** Page 7 is never used"],
      }));
      history.push({
        t: 1,
        type: "exit",
        service: "order-views",
        code: 1,
        signal: null,
        tail: "SqliteError: disk I/O error",
      });
      final.gaps = ["GET /api/my-orders: no answer"];
    });
    expect(names).toEqual(["sqlite-integrity", "services-stay-up", "final-state-collected"]);
  });

  it("service invariants: each finding is a violation, counted in its column by distinct subject", () => {
    const { violations, metrics } = broken(({ final }) => {
      final.serviceFindings = [
        {
          service: "payments",
          invariant: "one-charge-per-order",
          counts: "doubleCharges",
          subject: "o-good",
          message: "charged 2 times",
        },
        {
          service: "order-views",
          invariant: "views-match-orders",
          counts: "readModelMismatches",
          subject: "o-aq",
          message: "status differs",
        },
        { service: "orders", invariant: "saga-matches-order", subject: "o-good", message: "saga running" },
      ];
    });
    expect(violations.map((v) => v.invariant)).toEqual([
      "payments/one-charge-per-order",
      "order-views/views-match-orders",
      "orders/saga-matches-order",
    ]);
    expect(metrics).toMatchObject({ doubleCharges: 1, readModelMismatches: 1, violations: 3 });
  });
});
