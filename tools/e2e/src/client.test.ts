import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createBazaarClient } from "@bazaar/client";
import { fetchOpenApi, firstDifference, GENERATED_TYPES_FILE, renderTypes } from "@bazaar/client/codegen";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS, eventually, startTestSystem, type TestSystem } from "./support/test-system.js";

// `@bazaar/client` against a real gateway: its committed types are what the gateway serves today, and
// its retries of a command are answered once.
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem("monolith", { gateway: true });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe("@bazaar/client", () => {
  it("has the types of the gateway's live OpenAPI document", async () => {
    const live = await renderTypes(await fetchOpenApi(t.system.url("gateway")));
    const committed = readFileSync(GENERATED_TYPES_FILE, "utf8");
    const drift = firstDifference(committed, live);
    if (drift)
      expect.fail(
        `packages/client/src/generated/openapi.ts is not what the gateway's /openapi.json makes: run pnpm client:generate (with pnpm dev running) and commit it.\n` +
          `first difference, line ${drift.line}:\n  committed: ${drift.expected}\n  live:      ${drift.actual}`,
      );
  });

  it("places one order when the first attempt's answer is lost and the client retries it", async () => {
    const keys: string[] = [];
    let lost = 0;
    // The first POST /api/orders reaches the gateway, which places the order; its answer never comes back.
    const losesFirstAnswer = async (request: Request): Promise<Response> => {
      const placing = request.method === "POST" && new URL(request.url).pathname === "/api/orders";
      if (placing) keys.push(request.headers.get("idempotency-key") ?? "");
      const response = await fetch(request);
      if (placing && lost++ === 0) {
        await response.body?.cancel();
        throw new TypeError("fetch failed");
      }
      return response;
    };
    const api = createBazaarClient({
      baseUrl: t.system.url("gateway"),
      fetch: losesFirstAnswer,
      retry: { baseDelayMs: 50 },
    });
    const email = `client-${randomUUID()}@example.com`;
    const password = "client-password-123";
    expect(
      (await api.POST("/api/auth/register", { body: { email, password, name: "Cli Ent" } })).response.status,
    ).toBe(201);
    expect((await api.login({ email, password })).response.status).toBe(200);

    const placed = await api.POST("/api/orders", {
      body: {
        items: [{ sku: "PEN-001", quantity: 1 }],
        shippingAddress: ADDRESS,
        paymentMethod: { token: "tok_visa" },
      },
    });
    expect(placed.response.status).toBe(202);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    const orderId = placed.data?.orderId ?? "";

    // The customer has exactly that one order, confirmed once.
    await eventually(async () => {
      const mine = await api.GET("/api/my-orders");
      expect(mine.data?.items.map((o) => [o.orderId, o.status])).toEqual([[orderId, "confirmed"]]);
    });
    const order = await api.GET("/api/orders/{id}", { params: { path: { id: orderId } } });
    expect(order.data).toMatchObject({ orderId, status: "confirmed" });
  });
});
