import { topologyServices } from "@bazaar/system-harness";
import { afterEach, describe, expect, it } from "vitest";
import { runServiceInvariants } from "./run-service-invariants.js";
import type { InvariantFacts, OrderFact } from "./service-invariant.js";
import { loadInvariants, type ServiceDb, serviceDb } from "./test-support/service-db.js";

const services = topologyServices();
const declaring = services.filter((s) => s.hasInvariants);
const NOW = "2026-01-01T00:00:00.000Z";
const NO_FACTS: InvariantFacts = { products: [], users: [], orders: [], alertedOrders: [] };

const open: ServiceDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.dispose();
});

async function check(name: string, rows: string, facts: InvariantFacts) {
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name}`);
  const db = serviceDb(service.dir);
  open.push(db);
  if (rows) db.exec(rows);
  const invariants = await loadInvariants(service.dir, name);
  return runServiceInvariants({ service: name, file: db.file, invariants, facts }).map((f) => [
    f.invariant,
    f.subject,
  ]);
}

function order(orderId: string, status: OrderFact["status"], extra: Partial<OrderFact> = {}): OrderFact {
  return {
    orderId,
    userId: "u-1",
    status,
    cancelReason: null,
    totalCents: 1500,
    items: [{ sku: "PLENTY", quantity: 1 }],
    paymentStatus: "none",
    trackingNumber: null,
    ...extra,
  };
}

const facts = (orders: OrderFact[], extra: Partial<InvariantFacts> = {}): InvariantFacts => ({
  ...NO_FACTS,
  orders,
  ...extra,
});

describe.each(declaring)("the invariants of $name", (service) => {
  it("have the suite's shape and hold on an empty file with the service's real schema (their SQL runs)", async () => {
    expect(await check(service.name, "", NO_FACTS)).toEqual([]);
  });
});

describe("inventory's invariants", () => {
  const product = (sku: string, onHand: number, reserved: number) =>
    `INSERT INTO products (sku, name, price_cents, currency, on_hand, reserved, created_at, updated_at) VALUES ('${sku}', 'p', 100, 'EUR', ${onHand}, ${reserved}, '${NOW}', '${NOW}');`;
  const reservation = (orderId: string, status: string, sku: string, quantity: number) =>
    `INSERT INTO reservations (order_id, status, created_at, updated_at) VALUES ('${orderId}', '${status}', '${NOW}', '${NOW}');
     INSERT INTO reservation_items (order_id, sku, quantity) VALUES ('${orderId}', '${sku}', ${quantity});`;

  it("hold when holds, commits and shelves add up", async () => {
    const rows =
      product("PLENTY", 9, 2) +
      reservation("o1", "committed", "PLENTY", 1) +
      reservation("o2", "reserved", "PLENTY", 2);
    expect(
      await check(
        "inventory",
        rows,
        facts([order("o1", "confirmed"), order("o2", "pending")], {
          products: [{ sku: "PLENTY", unitsAdded: 10 }],
        }),
      ),
    ).toEqual([]);
  });

  it("find a reserved count the holds do not explain, a unit that vanished, a shipped order not committed", async () => {
    const rows =
      product("PLENTY", 8, 3) +
      reservation("o1", "committed", "PLENTY", 1) +
      reservation("o2", "reserved", "PLENTY", 2);
    expect(
      await check(
        "inventory",
        rows,
        facts([order("o1", "confirmed"), order("o2", "confirmed")], {
          products: [{ sku: "PLENTY", unitsAdded: 10 }],
        }),
      ),
    ).toEqual([
      ["reserved-matches-holds", "PLENTY"],
      ["stock-conserved", "PLENTY"],
      ["reservations-follow-orders", "o2"],
    ]);
  });
});

describe("payments' invariants", () => {
  const charge = (key: string, orderId: string, chargeId: string, refundId: string | null) =>
    `INSERT INTO simulated_charges (idempotency_key, order_id, token, amount_cents, currency, attempts, outcome, charge_id, refund_id, created_at, updated_at)
     VALUES ('${key}', '${orderId}', 'tok_visa', 1500, 'EUR', 1, 'charged', '${chargeId}', ${refundId ? `'${refundId}'` : "NULL"}, '${NOW}', '${NOW}');`;
  const payment = (orderId: string, status: string, chargeRef: string) =>
    `INSERT INTO payments (order_id, payment_id, user_id, amount_cents, currency, status, charge_ref, created_at, updated_at)
     VALUES ('${orderId}', 'p-${orderId}', 'u-1', 1500, 'EUR', '${status}', '${chargeRef}', '${NOW}', '${NOW}');`;

  it("hold for a confirmed order charged once and a cancelled one refunded", async () => {
    const rows =
      charge("k1", "o1", "ch1", null) +
      payment("o1", "completed", "ch1") +
      charge("k2", "o2", "ch2", "re2") +
      payment("o2", "refunded", "ch2");
    expect(
      await check("payments", rows, facts([order("o1", "confirmed"), order("o2", "cancelled")])),
    ).toEqual([]);
  });

  it("find a double charge, money taken with no record, a refund the payment does not show, a cancelled order still charged", async () => {
    const rows =
      charge("k1", "o1", "ch1", null) +
      payment("o1", "completed", "ch1") +
      charge("k1-again", "o1", "ch1b", null) +
      charge("k3", "o3", "ch3", "re3") +
      payment("o3", "completed", "ch3") +
      charge("k4", "o4", "ch4", null) +
      payment("o4", "completed", "ch4");
    expect(
      await check("payments", rows, facts([order("o1", "confirmed"), order("o4", "cancelled")])),
    ).toEqual([
      ["one-charge-per-order", "o1"],
      ["charges-recorded", "o1"],
      ["refunds-match-ledger", "o3"],
      ["money-follows-orders", "o1"],
      ["money-follows-orders", "o4"],
    ]);
  });

  it("accept a parked order that keeps its charge when an alert names it, and only then", async () => {
    const rows = charge("k5", "o5", "ch5", null) + payment("o5", "completed", "ch5");
    expect(
      await check("payments", rows, facts([order("o5", "requires_attention")], { alertedOrders: ["o5"] })),
    ).toEqual([]);
    expect(await check("payments", rows, facts([order("o5", "requires_attention")]))).toEqual([
      ["money-follows-orders", "o5"],
    ]);
  });
});

describe("orders' invariants", () => {
  const orderRow = (orderId: string, status: string, sagaStatus: string, stepStatus: string) =>
    `INSERT INTO orders (order_id, user_id, status, total_cents, currency, shipping_address, saga_id, idempotency_key, created_at, updated_at)
     VALUES ('${orderId}', 'u-1', '${status}', 1500, 'EUR', '{}', 's-${orderId}', 'k-${orderId}', '${NOW}', '${NOW}');
     INSERT INTO saga_instances (saga_id, type, correlation_id, status, data, created_at, updated_at)
     VALUES ('s-${orderId}', 'order', '${orderId}', '${sagaStatus}', '{}', '${NOW}', '${NOW}');
     INSERT INTO saga_steps (saga_id, idx, name, status) VALUES ('s-${orderId}', 0, 'reserve-stock', '${stepStatus}');`;

  it("find an order whose saga disagrees, and a completed saga with a step not done", async () => {
    const rows =
      orderRow("o1", "confirmed", "completed", "done") +
      orderRow("o2", "confirmed", "running", "done") +
      orderRow("o3", "confirmed", "completed", "failed");
    expect(await check("orders", rows, NO_FACTS)).toEqual([
      ["saga-matches-order", "o2"],
      ["completed-sagas-did-every-step", "o3"],
    ]);
  });
});

describe("shipping's invariants", () => {
  const shipment = (orderId: string, status: string, tracking: string) =>
    `INSERT INTO shipments (order_id, shipment_id, tracking_number, carrier, status, recipient, line1, city, postal_code, country, items, created_at, updated_at)
     VALUES ('${orderId}', 'sh-${orderId}', '${tracking}', 'c', '${status}', 'r', 'l', 'c', 'p', 'GB', '[]', '${NOW}', '${NOW}');`;

  it("find a confirmed order without a live shipment, a wrong tracking number, a cancelled order still shipping", async () => {
    const rows =
      shipment("o1", "created", "T1") +
      shipment("o2", "cancelled", "T2") +
      shipment("o3", "created", "T3") +
      shipment("o4", "created", "T4");
    expect(
      await check(
        "shipping",
        rows,
        facts([
          order("o1", "confirmed", { trackingNumber: "T1" }),
          order("o2", "confirmed"),
          order("o3", "confirmed", { trackingNumber: "T9" }),
          order("o4", "cancelled"),
        ]),
      ),
    ).toEqual([
      ["shipments-follow-orders", "o2"],
      ["shipments-follow-orders", "o3"],
      ["shipments-follow-orders", "o4"],
    ]);
  });
});

describe("order-views' invariants", () => {
  const view = (orderId: string, status: string) =>
    `INSERT INTO order_views (order_id, user_id, total_cents, status, payment_status, last_updated) VALUES ('${orderId}', 'u-1', 1500, '${status}', 'completed', '${NOW}');`;

  it("find a stale view, a missing one and a stray one", async () => {
    const ok = order("o1", "confirmed", { paymentStatus: "completed" });
    const rows = view("o1", "confirmed") + view("o2", "pending") + view("o-stray", "confirmed");
    expect(
      await check(
        "order-views",
        rows,
        facts([ok, order("o2", "confirmed", { paymentStatus: "completed" }), order("o3", "confirmed")]),
      ),
    ).toEqual([
      ["views-match-orders", "o2"],
      ["views-match-orders", "o3"],
      ["views-match-orders", "o-stray"],
    ]);
  });
});

describe("notifications' invariants", () => {
  it("find a user whose address it never learned (every message to them would wait for ever)", async () => {
    const rows = `INSERT INTO contacts (user_id, email, name, updated_at) VALUES ('u-1', 'a@example.com', 'A', '${NOW}');`;
    const users = [
      { userId: "u-1", email: "a@example.com" },
      { userId: "u-2", email: "b@example.com" },
    ];
    expect(await check("notifications", rows, { ...NO_FACTS, users })).toEqual([["contacts-known", "u-2"]]);
  });

  it("find a message given up on", async () => {
    const rows = `INSERT INTO notifications (id, event_id, event_type, user_id, subject, body, status, attempts, created_at, sent_at)
      VALUES ('n1', 'e1', 'order.confirmed', 'u-1', 's', 'b', 'sent', 1, '${NOW}', '${NOW}'),
             ('n2', 'e2', 'order.confirmed', 'u-1', 's', 'b', 'failed', 5, '${NOW}', NULL);`;
    expect(await check("notifications", rows, NO_FACTS)).toEqual([["messages-delivered", "n2"]]);
  });
});
