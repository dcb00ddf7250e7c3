// `pnpm demo`: a scripted tour of the running system, through the public API only. It registers a user,
// logs in, lists products, places three orders (one succeeds, one is declined and compensated, one asks
// for more than is in stock), prints each saga's timeline and the read model, and exits non-zero if
// anything does not end as expected, so it doubles as a smoke test.
import { randomUUID } from "node:crypto";
import { topology } from "@bazaar/topology";
import { createDemoClient, waitFor } from "./demo-client.js";

const gateway =
  process.env.GATEWAY_URL ??
  `http://127.0.0.1:${process.env.GATEWAY_PORT ?? topology.services.find((s) => s.name === "gateway")?.port}`;
const api = createDemoClient({ baseUrl: gateway });
const failures: string[] = [];
const step = (text: string): void => console.log(`\n▸ ${text}`);
const check = (ok: boolean, what: string): void => {
  console.log(`  ${ok ? "✓" : "✗"} ${what}`);
  if (!ok) failures.push(what);
};

/** The access token of a login, or an error that says why there is none (the problem's own words). */
function tokenOf(
  login: { data?: { accessToken: string }; error?: { title?: string; detail?: string }; response: Response },
  who: string,
): string {
  if (login.data?.accessToken) return login.data.accessToken;
  const problem = login.error;
  throw new Error(
    `${who} could not log in (HTTP ${login.response.status}${problem?.detail ? `: ${problem.detail}` : problem?.title ? `: ${problem.title}` : ""})`,
  );
}

/** A request that got no answer at all (nothing listens, a bad address), as opposed to an unexpected one. */
function unreachable(err: unknown): boolean {
  return err instanceof TypeError && err.message === "fetch failed";
}

async function main(): Promise<number> {
  console.log(`Bazaar demo against ${gateway}`);
  const email = `demo-${randomUUID().slice(0, 8)}@example.com`;
  const password = "demo-password-123";

  step(`register ${email}`);
  // Every command carries an Idempotency-Key (the client makes one per operation and reuses it on retry).
  const registered = await api.POST("/api/auth/register", {
    body: { email, password, name: "Demo Customer" },
  });
  check(registered.response.status === 201, `registered (HTTP ${registered.response.status})`);

  step("log in");
  const login = await api.login({ email, password });
  check(login.response.status === 200, `logged in (HTTP ${login.response.status})`);
  // Without a token every later call is a 401: stop here and say why instead.
  tokenOf(login, "the customer");
  const admin = createDemoClient({ baseUrl: gateway });
  const adminLogin = await admin.login({
    email: process.env.ADMIN_EMAIL ?? "admin@bazaar.local",
    password: process.env.ADMIN_PASSWORD ?? "bazaar-admin-dev",
  });
  check(adminLogin.response.status === 200, "the admin logged in too (to read saga timelines)");
  tokenOf(adminLogin, "the admin");

  step("list products");
  const listed = await api.GET("/api/products", { params: { query: { limit: 100 } } });
  if (!listed.data) throw new Error(`GET /api/products answered HTTP ${listed.response.status}`);
  const products = listed.data;
  check(products.items.length > 0, `${products.items.length} products`);
  for (const p of products.items.slice(0, 6))
    console.log(
      `    ${p.sku.padEnd(11)} ${p.name.padEnd(18)} €${(p.priceCents / 100).toFixed(2).padStart(7)}  ${p.available} available`,
    );
  const plenty = products.items.find((p) => p.available >= 5);
  const scarce = [...products.items].sort((a, b) => a.available - b.available).find((p) => p.available >= 0);
  if (!plenty || !scarce) {
    console.error("the catalogue has no suitable products: run `pnpm dev:reset` and start again");
    return 1;
  }

  const address = {
    name: "Demo Customer",
    line1: "1 Demo Street",
    city: "London",
    postalCode: "N1 1AA",
    country: "GB",
  };
  const scenarios = [
    {
      label: "a good order",
      items: [{ sku: plenty.sku, quantity: 1 }],
      token: "tok_visa",
      expect: "confirmed",
    },
    {
      label: "a declined card (compensated: the stock is released)",
      items: [{ sku: plenty.sku, quantity: 1 }],
      token: "tok_chargeDeclined",
      expect: "cancelled",
    },
    {
      label: `too many ${scarce.sku} (out of stock: cancelled, nothing charged)`,
      items: [{ sku: scarce.sku, quantity: scarce.available + 5 }],
      token: "tok_visa",
      expect: "cancelled",
    },
  ];
  const placed: Array<{ orderId: string; expect: string; label: string }> = [];
  for (const s of scenarios) {
    step(`place ${s.label}`);
    const res = await api.POST("/api/orders", {
      body: { items: s.items, shippingAddress: address, paymentMethod: { token: s.token } },
    });
    check(res.response.status === 202, `accepted (HTTP ${res.response.status})`);
    if (res.data) placed.push({ orderId: res.data.orderId, expect: s.expect, label: s.label });
  }

  for (const p of placed) {
    step(`wait for ${p.label}`);
    const order = await waitFor({
      read: () => api.GET("/api/orders/{id}", { params: { path: { id: p.orderId } } }),
      done: (o) => o.status !== "pending",
    });
    check(
      order.status === p.expect,
      `order ${p.orderId.slice(0, 8)} is ${order.status} (expected ${p.expect})`,
    );
    const timeline = await admin.GET("/api/admin/sagas/{id}", { params: { path: { id: order.sagaId } } });
    const saga = timeline.data;
    if (!saga)
      throw new Error(`GET /api/admin/sagas/${order.sagaId} answered HTTP ${timeline.response.status}`);
    console.log(`    saga ${saga.status}: ${saga.steps.map((s) => `${s.name}=${s.status}`).join(", ")}`);
    for (const h of saga.history) {
      const what = [h.phase, h.step, h.outcome].filter(Boolean).join(" ");
      console.log(
        `      ${h.at.slice(11, 23)}  ${what.padEnd(40)} ${h.durationMs != null ? `${h.durationMs.toFixed(1)} ms` : ""} ${h.error ?? h.message ?? ""}`,
      );
    }
  }

  step("the read model (GET /api/my-orders, built from events)");
  const mine = await waitFor({
    read: () => api.GET("/api/my-orders"),
    done: (b) => placed.every((p) => b.items.some((i) => i.orderId === p.orderId && i.status === p.expect)),
  });
  for (const o of mine.items) {
    console.log(
      `    ${o.orderId.slice(0, 8)}  ${o.status.padEnd(10)} payment ${o.paymentStatus.padEnd(9)} total ${o.totalCents ?? "?"}  tracking ${o.trackingNumber ?? "-"}`,
    );
  }
  check(true, "the read model caught up with all three orders");

  console.log(
    failures.length === 0
      ? "\nAll as expected."
      : `\n${failures.length} check(s) failed:\n  - ${failures.join("\n  - ")}`,
  );
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    if (unreachable(err))
      console.error(`nothing answers at ${gateway}: is the system running? start it with \`pnpm dev\``);
    process.exit(1);
  },
);
