import { inventory } from "@bazaar/contracts";
import { readEvents, useTestService } from "@bazaar/service-kit/testing";
import { describe, expect, it } from "vitest";
import { service } from "./service.js";

const t = useTestService(service, { env: { SEED: "true" } });

const product = (sku: string) => t.client.call(inventory.getProduct, { sku });
const newProduct = (sku: string, stock: number, priceCents = 1000) =>
  t.client.call(inventory.createProduct, { sku, name: `Product ${sku}`, priceCents, stock });

describe("catalogue", () => {
  it("seeds the demo catalogue once, with some items low", async () => {
    const page = await t.client.call(inventory.listProducts, { limit: 100 });
    expect(page.items.length).toBeGreaterThanOrEqual(12);
    expect(page.items.filter((p) => p.available < 5).length).toBeGreaterThanOrEqual(2);
    // Seeding again changes nothing.
    const { seedCatalogue } = await import("./seed.js");
    expect(t.service.runtime.transaction((tx) => seedCatalogue(tx as never))).toBe(0);
  });

  it("pages by SKU with a cursor", async () => {
    const first = await t.client.call(inventory.listProducts, { limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.nextCursor).toBeTruthy();
    const second = await t.client.call(inventory.listProducts, {
      limit: 5,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items[0]?.sku.localeCompare(first.items[4]?.sku ?? "")).toBeGreaterThan(0);
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.client.call(inventory.listProducts, { limit: 4, ...(cursor ? { cursor } : {}) });
      all.push(...page.items.map((p) => p.sku));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it("gets a product, and NOT_FOUND for an unknown SKU", async () => {
    expect(await product("MUG-001")).toMatchObject({
      sku: "MUG-001",
      priceCents: 1299,
      currency: "EUR",
      available: 120,
    });
    await expect(product("NOPE-1")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("creates a product once per idempotency key, and refuses a taken SKU", async () => {
    const input = { sku: "DESK-001", name: "Desk", priceCents: 19900, stock: 3 };
    const first = await t.client.call(inventory.createProduct, input, { idempotencyKey: "create-desk" });
    const retry = await t.client.call(inventory.createProduct, input, { idempotencyKey: "create-desk" });
    expect(retry).toEqual(first);
    await expect(t.client.call(inventory.createProduct, input)).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "SKU_TAKEN",
    });
    await expect(
      t.client.call(inventory.createProduct, { ...input, sku: "bad sku" } as never),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("restocks once per idempotency key", async () => {
    await newProduct("CHAIR-001", 1);
    await t.client.call(
      inventory.restock,
      { sku: "CHAIR-001", quantity: 5 },
      { idempotencyKey: "restock-chair-1" },
    );
    await t.client.call(
      inventory.restock,
      { sku: "CHAIR-001", quantity: 5 },
      { idempotencyKey: "restock-chair-1" },
    );
    expect((await product("CHAIR-001")).onHand).toBe(6);
    // The key with another quantity is a different request: refused, never the first answer.
    await expect(
      t.client.call(
        inventory.restock,
        { sku: "CHAIR-001", quantity: 50 },
        { idempotencyKey: "restock-chair-1" },
      ),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" });
    expect((await product("CHAIR-001")).onHand).toBe(6);
    await expect(t.client.call(inventory.restock, { sku: "NOPE-1", quantity: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("quotes current prices and merges repeated SKUs", async () => {
    const q = await t.client.call(inventory.quote, {
      items: [
        { sku: "MUG-001", quantity: 1 },
        { sku: "PEN-001", quantity: 2 },
        { sku: "MUG-001", quantity: 1 },
      ],
    });
    expect(q).toEqual({
      currency: "EUR",
      totalCents: 2 * 1299 + 2 * 699,
      lines: [
        { sku: "MUG-001", name: "Bazaar mug", quantity: 2, unitPriceCents: 1299, lineTotalCents: 2598 },
        { sku: "PEN-001", name: "Gel pen set", quantity: 2, unitPriceCents: 699, lineTotalCents: 1398 },
      ],
    });
    await expect(
      t.client.call(inventory.quote, { items: [{ sku: "NOPE-1", quantity: 1 }] }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("reservations", () => {
  it("reserves all or nothing, and a repeat returns the first result", async () => {
    await newProduct("RES-A", 5);
    await newProduct("RES-B", 1);
    const first = await t.client.call(inventory.reserve, {
      orderId: "o-1",
      items: [
        { sku: "RES-A", quantity: 2 },
        { sku: "RES-B", quantity: 1 },
      ],
    });
    expect(first).toMatchObject({
      orderId: "o-1",
      status: "reserved",
      items: [
        { sku: "RES-A", quantity: 2 },
        { sku: "RES-B", quantity: 1 },
      ],
    });
    expect(
      await t.client.call(inventory.reserve, {
        orderId: "o-1",
        items: [
          { sku: "RES-A", quantity: 2 },
          { sku: "RES-B", quantity: 1 },
        ],
      }),
    ).toEqual(first);
    expect(await product("RES-A")).toMatchObject({ onHand: 5, reserved: 2, available: 3 });

    // Not enough of RES-B: nothing at all is reserved for o-2.
    const err = await t.client
      .call(inventory.reserve, {
        orderId: "o-2",
        items: [
          { sku: "RES-A", quantity: 1 },
          { sku: "RES-B", quantity: 1 },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: "CONFLICT",
      reason: "OUT_OF_STOCK",
      details: { items: [{ sku: "RES-B", requested: 1, available: 0 }] },
    });
    expect((await product("RES-A")).reserved).toBe(2);
    // The rejection is the first result too, even once stock is back.
    await t.client.call(inventory.restock, { sku: "RES-B", quantity: 10 });
    await expect(
      t.client.call(inventory.reserve, {
        orderId: "o-2",
        items: [
          { sku: "RES-A", quantity: 1 },
          { sku: "RES-B", quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ reason: "OUT_OF_STOCK" });
    await expect(
      t.client.call(inventory.reserve, { orderId: "o-3", items: [{ sku: "NOPE-1", quantity: 1 }] }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("releases exactly what was reserved, once", async () => {
    await newProduct("REL-A", 10);
    await t.client.call(inventory.reserve, { orderId: "o-rel", items: [{ sku: "REL-A", quantity: 4 }] });
    expect(await t.client.call(inventory.release, { orderId: "o-rel", reason: "payment declined" })).toEqual({
      orderId: "o-rel",
      status: "released",
    });
    expect(await t.client.call(inventory.release, { orderId: "o-rel" })).toEqual({
      orderId: "o-rel",
      status: "released",
    });
    expect(await product("REL-A")).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(await t.client.call(inventory.release, { orderId: "o-never" })).toEqual({
      orderId: "o-never",
      status: "not_reserved",
    });
    // The release came first (a saga compensating a reserve that timed out): a late reserve must not hold stock.
    await expect(
      t.client.call(inventory.reserve, { orderId: "o-never", items: [{ sku: "REL-A", quantity: 1 }] }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "ALREADY_RELEASED",
    });
    expect((await product("REL-A")).reserved).toBe(0);
    await expect(t.client.call(inventory.commit, { orderId: "o-rel" })).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "ALREADY_RELEASED",
    });
  });

  it("commits shipped stock once, and refuses to release it afterwards", async () => {
    await newProduct("COM-A", 10);
    await t.client.call(inventory.reserve, { orderId: "o-com", items: [{ sku: "COM-A", quantity: 3 }] });
    const committed = await t.client.call(inventory.commit, { orderId: "o-com" });
    expect(committed.status).toBe("committed");
    expect(await t.client.call(inventory.commit, { orderId: "o-com" })).toEqual(committed);
    expect(await product("COM-A")).toMatchObject({ onHand: 7, reserved: 0, available: 7 });
    await expect(t.client.call(inventory.release, { orderId: "o-com" })).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "ALREADY_COMMITTED",
    });
    await expect(t.client.call(inventory.commit, { orderId: "o-unknown" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("lets exactly 10 of 50 parallel reservations take the last 10 units", async () => {
    await newProduct("LAST-10", 10);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        t.client.call(inventory.reserve, { orderId: `race-${i}`, items: [{ sku: "LAST-10", quantity: 1 }] }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(10);
    expect(refused.every((r) => (r as PromiseRejectedResult).reason.reason === "OUT_OF_STOCK")).toBe(true);
    expect(await product("LAST-10")).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
  });
});

describe("events", () => {
  it("emits stock.reserved, stock.released, stock.committed and stock.low through the outbox", async () => {
    await newProduct("EVT-A", 6);
    await t.client.call(inventory.reserve, { orderId: "o-evt-1", items: [{ sku: "EVT-A", quantity: 2 }] });
    await t.client.call(inventory.release, { orderId: "o-evt-1", reason: "cancelled" });
    await t.client.call(inventory.reserve, { orderId: "o-evt-2", items: [{ sku: "EVT-A", quantity: 1 }] });
    await t.client.call(inventory.commit, { orderId: "o-evt-2" });
    await waitForOutbox();

    const reserved = (await readEvents(t.caller.nc, inventory.stockReserved)).filter((e) =>
      e.data.orderId.startsWith("o-evt"),
    );
    expect(reserved.map((e) => e.data)).toEqual([
      { orderId: "o-evt-1", items: [{ sku: "EVT-A", quantity: 2 }] },
      { orderId: "o-evt-2", items: [{ sku: "EVT-A", quantity: 1 }] },
    ]);
    expect(reserved[0]).toMatchObject({ type: "stock.reserved", version: 1, source: "inventory" });
    const released = (await readEvents(t.caller.nc, inventory.stockReleased)).filter(
      (e) => e.data.orderId === "o-evt-1",
    );
    expect(released.map((e) => e.data)).toEqual([
      { orderId: "o-evt-1", items: [{ sku: "EVT-A", quantity: 2 }], reason: "cancelled" },
    ]);
    const committed = (await readEvents(t.caller.nc, inventory.stockCommitted)).filter(
      (e) => e.data.orderId === "o-evt-2",
    );
    expect(committed).toHaveLength(1);
    // 6 → 4 available crosses below the threshold of 5: one stock.low, not one per reservation.
    const low = (await readEvents(t.caller.nc, inventory.stockLow)).filter((e) => e.data.sku === "EVT-A");
    expect(low.map((e) => e.data)).toEqual([{ sku: "EVT-A", available: 4, threshold: 5 }]);
  });
});

async function waitForOutbox(): Promise<void> {
  for (let i = 0; i < 100 && (t.service.runtime.outboxStats()?.pending ?? 0) > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
}
