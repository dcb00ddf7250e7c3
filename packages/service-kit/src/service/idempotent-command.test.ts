import { defineRpc } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, type TestClient } from "../testing/index.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { declareService } from "./declare-service.js";

// A stock counter whose restock waits on a gate before its transaction, like a handler that hashes a
// password or asks another service for prices first.
const stock = sqliteTable("stock", { sku: text("sku").primaryKey(), onHand: integer("on_hand").notNull() });
const restock = defineRpc({
  service: "depot",
  name: "restock",
  description: "Add units",
  command: true,
  request: v.object({ sku: v.string(), quantity: v.number(), by: v.optional(v.string()) }),
  response: v.object({ onHand: v.number() }),
});

let gate: Promise<void> = Promise.resolve();
let runs = 0;
const depot = declareService({
  name: "depot",
  version: "0.1.0",
  description: "Test fixture",
  store: {
    schema: { stock },
    modules: [
      { name: "depot", migrations: ["CREATE TABLE stock (sku TEXT PRIMARY KEY, on_hand INTEGER NOT NULL)"] },
    ],
  },
});
const service = depot.define({
  serves: [
    depot.handle(restock, (input, ctx) =>
      // `by` (when given) scopes the key to a caller named in the request, as orders does with the user.
      ctx.idempotently(
        async (commit) => {
          runs++;
          await gate;
          return commit((tx) => {
            const row = tx
              .insert(stock)
              .values({ sku: input.sku, onHand: input.quantity })
              .onConflictDoUpdate({
                target: stock.sku,
                set: { onHand: sql`${stock.onHand} + ${input.quantity}` },
              })
              .returning()
              .get();
            return { onHand: row.onHand };
          });
        },
        input.by ? { key: JSON.stringify([input.by, ctx.idempotencyKey]) } : {},
      ),
    ),
  ],
});

let nats: TestNats;
let svc: TestService;
let caller: TestClient;

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startTestService(service, { natsUrl: nats.url });
  caller = await createTestClient(nats.url);
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

const call = (input: v.InferInput<typeof restock.request>, key: string) =>
  caller.client.call(restock, input, { idempotencyKey: key });

describe("an idempotent command", () => {
  it("applies a retry once and answers it the first response", async () => {
    expect(await call({ sku: "A", quantity: 1 }, "a-1")).toEqual({ onHand: 1 });
    expect(await call({ sku: "A", quantity: 1 }, "a-1")).toEqual({ onHand: 1 });
    expect(await call({ sku: "A", quantity: 1 }, "a-2")).toEqual({ onHand: 2 });
  });

  it("refuses the key with a different body (quantity 1, then 3) with UNPROCESSABLE, changing nothing", async () => {
    expect(await call({ sku: "B", quantity: 1 }, "b-1")).toEqual({ onHand: 1 });
    await expect(call({ sku: "B", quantity: 3 }, "b-1")).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      reason: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(await call({ sku: "B", quantity: 0 }, "b-2")).toEqual({ onHand: 1 });
  });

  it("refuses a retry while the first is still running with CONFLICT, then answers it", async () => {
    let open = (): void => undefined;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const before = runs;
    const first = call({ sku: "C", quantity: 5 }, "c-1");
    // The first holds the key from the start of its work, before its transaction.
    while (runs === before) await new Promise((r) => setTimeout(r, 5));
    await expect(call({ sku: "C", quantity: 5 }, "c-1")).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "IDEMPOTENCY_KEY_IN_FLIGHT",
    });
    open();
    expect(await first).toEqual({ onHand: 5 });
    gate = Promise.resolve();
    expect(await call({ sku: "C", quantity: 5 }, "c-1")).toEqual({ onHand: 5 });
    expect(runs).toBe(before + 1);
  });

  it("keeps keys of different scopes apart", async () => {
    expect(await call({ sku: "D", quantity: 1, by: "ada" }, "same")).toEqual({ onHand: 1 });
    expect(await call({ sku: "D", quantity: 1, by: "bob" }, "same")).toEqual({ onHand: 2 });
    expect(await call({ sku: "D", quantity: 1, by: "ada" }, "same")).toEqual({ onHand: 1 });
  });
});
