import { orders } from "@bazaar/contracts";
import { useTestService } from "@bazaar/service-kit/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { service } from "../service.js";

const t = useTestService(service);

/** Sagas as the engine stores them, written straight into orders' SQLite (no other service runs here). */
function insertSaga(row: { sagaId: string; orderId: string; status: string; createdAt: string }): void {
  const sqlite = t.service.runtime.store?.sqlite;
  if (!sqlite) throw new Error("orders has a store");
  sqlite
    .prepare(
      "INSERT INTO saga_instances (saga_id, type, correlation_id, status, data, created_at, updated_at) VALUES (?, 'order', ?, ?, '{}', ?, ?)",
    )
    .run(row.sagaId, row.orderId, row.status, row.createdAt, row.createdAt);
  const step = sqlite.prepare(
    "INSERT INTO saga_steps (saga_id, idx, name, status, attempts, started_at, finished_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  step.run(
    row.sagaId,
    0,
    "reserve-stock",
    "done",
    2,
    row.createdAt,
    new Date(Date.parse(row.createdAt) + 1500).toISOString(),
    null,
  );
  step.run(row.sagaId, 1, "charge-payment", "running", 1, row.createdAt, null, "card network down");
}

const at = (day: number): string => new Date(Date.UTC(2026, 10, day, 12)).toISOString();

beforeAll(() => {
  for (let day = 1; day <= 6; day++)
    insertSaga({
      sagaId: `saga-${day}`,
      orderId: `order-${day}`,
      status: day % 2 === 0 ? "requires_attention" : "completed",
      createdAt: at(day),
    });
  // A second saga of one order (a retried placement): the search finds both.
  insertSaga({ sagaId: "saga-4b", orderId: "order-4", status: "completed", createdAt: at(7) });
});

const ids = async (request: Parameters<typeof t.client.call<typeof orders.listSagas>>[1]) =>
  (await t.client.call(orders.listSagas, request)).items.map((s) => s.sagaId);

describe("listing sagas for an operator", () => {
  it("finds an order's sagas by its exact id", async () => {
    expect(await ids({ orderId: "order-4" })).toEqual(["saga-4b", "saga-4"]);
    expect(await ids({ orderId: "order-" })).toEqual([]);
    expect(await ids({ orderId: "order-4", status: "requires_attention" })).toEqual(["saga-4"]);
  });

  it("narrows by age: created before olderThan, at or after newerThan, with the status and cursor", async () => {
    expect(await ids({ olderThan: at(3) })).toEqual(["saga-2", "saga-1"]);
    expect(await ids({ newerThan: at(6) })).toEqual(["saga-4b", "saga-6"]);
    expect(await ids({ newerThan: at(2), olderThan: at(6) })).toEqual([
      "saga-5",
      "saga-4",
      "saga-3",
      "saga-2",
    ]);
    // Another notation of the same instant means the same instant.
    expect(await ids({ olderThan: "2026-11-03T13:00:00+01:00" })).toEqual(["saga-2", "saga-1"]);
    expect(await ids({ status: "requires_attention", olderThan: at(6) })).toEqual(["saga-4", "saga-2"]);
    const first = await t.client.call(orders.listSagas, { newerThan: at(2), limit: 2 });
    expect(first.items.map((s) => s.sagaId)).toEqual(["saga-4b", "saga-6"]);
    const second = await t.client.call(orders.listSagas, {
      newerThan: at(2),
      limit: 10,
      cursor: first.nextCursor ?? "",
    });
    expect(second.items.map((s) => s.sagaId)).toEqual(["saga-5", "saga-4", "saga-3", "saga-2"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses an age that is not a timestamp", async () => {
    await expect(t.client.call(orders.listSagas, { olderThan: "yesterday" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      issues: [{ path: "olderThan" }],
    });
  });

  it("shows each step's attempts, error and duration", async () => {
    const saga = await t.client.call(orders.getSaga, { sagaId: "saga-2" });
    expect(saga.steps).toEqual([
      expect.objectContaining({ name: "reserve-stock", attempts: 2, durationMs: 1500, lastError: null }),
      expect.objectContaining({
        name: "charge-payment",
        attempts: 1,
        durationMs: null,
        lastError: "card network down",
      }),
    ]);
  });
});
