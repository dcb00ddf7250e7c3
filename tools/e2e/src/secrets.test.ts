import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { type BazaarClient, createBazaarClient } from "@bazaar/client";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS, eventually, startTestSystem, type TestSystem } from "./support/test-system.js";

// Every line every service logs, at every level, while a customer registers, signs in, fails to sign in,
// orders, sends a forged token and asks for someone else's order.
const lines: Array<{ service: string; line: string }> = [];
const secret = (label: string): string => `${label}${randomBytes(9).toString("hex")}`;
const password = secret("Pw-");
const adminPassword = secret("Admin-");
const paymentToken = secret("tok_e2eSecret");
const forged = `eyJhbGciOiJFZERTQSJ9.${secret("forged")}.${secret("sig")}`;

let t: TestSystem;
let api: BazaarClient;
let admin: BazaarClient;
beforeAll(async () => {
  t = await startTestSystem("processes", {
    gateway: true,
    env: { LOG_LEVEL: "trace" },
    envFor: { users: { ADMIN_PASSWORD: adminPassword } },
    onLine: (service, line) => lines.push({ service, line }),
  });
  api = createBazaarClient({ baseUrl: t.system.url("gateway") });
  admin = createBazaarClient({ baseUrl: t.system.url("gateway") });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe("secrets", () => {
  it("never appear in a log line, at any level, and the card token leaves the saga once charged", async () => {
    const email = `secret-${randomUUID()}@example.com`;
    const registered = await api.POST("/api/auth/register", { body: { email, password, name: "Sec Ret" } });
    expect(registered.response.status).toBe(201);
    const login = await api.login({ email, password });
    expect(login.response.status).toBe(200);
    const accessToken = login.data?.accessToken ?? "";
    // A failed login keeps the token the client has.
    const wrong = await api.login({ email, password: `${password}-wrong` });
    expect(wrong.response.status).toBe(401);
    const adminLogin = await admin.login({ email: "admin@bazaar.local", password: adminPassword });
    expect(adminLogin.response.status).toBe(200);
    const adminToken = adminLogin.data?.accessToken ?? "";

    const placed = await api.POST("/api/orders", {
      body: {
        items: [{ sku: "PEN-001", quantity: 1 }],
        shippingAddress: ADDRESS,
        paymentMethod: { token: paymentToken },
      },
    });
    expect(placed.response.status).toBe(202);
    const orderId = placed.data?.orderId ?? "";
    await eventually(async () => {
      const order = await api.GET("/api/orders/{id}", { params: { path: { id: orderId } } });
      expect(order.data?.status).toBe("confirmed");
    });
    const forger = createBazaarClient({ baseUrl: t.system.url("gateway"), token: forged });
    expect((await forger.GET("/api/me")).response.status).toBe(401);
    const sagas = await admin.GET("/api/admin/sagas");
    expect(sagas.response.status).toBe(200);

    // The stored saga kept the token only until the charge was settled.
    const db = new Database(join(t.dataDir, "orders.db"), { readonly: true });
    try {
      const row = db.prepare("SELECT data FROM saga_instances WHERE correlation_id = ?").get(orderId) as
        | { data: string }
        | undefined;
      expect(row?.data).toContain(orderId);
      expect(row?.data).not.toContain(paymentToken);
      expect(JSON.parse(row?.data ?? "{}")).not.toHaveProperty("paymentToken");
    } finally {
      db.close();
    }

    await t.system.stop();
    const secrets: Record<string, string> = {
      "a customer's password": password,
      "the admin's password": adminPassword,
      "a payment token": paymentToken,
      "an access token": accessToken,
      "an access token's signature": accessToken.split(".")[2] ?? accessToken,
      "the admin's access token": adminToken,
      "a forged token": forged,
    };
    for (const [service, user] of Object.entries(t.nats.credentials?.services ?? {}))
      secrets[`${service}'s broker password`] = user.password;
    // Every service's lines were read, debug ones included (each logs its start, work and stop).
    expect(new Set(lines.map((l) => l.service)).size).toBe(8);
    expect(lines.some((l) => l.line.includes('"level":20'))).toBe(true);
    const leaks = Object.entries(secrets).flatMap(([what, value]) =>
      lines
        .filter((l) => l.line.includes(value))
        .map((l) => `${what} in ${l.service}: ${l.line.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
  }, 120_000);
});
