/**
 * The invariants payments owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on this
 * service's SQLite file, opened read-only, after every scenario. The simulated processor's ledger
 * (`simulated_charges`) stands for the card network: it is where money actually moves, so these checks
 * compare it with what payments recorded. This module imports nothing: its shape is the suite's
 * `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
  readonly facts: {
    readonly orders: ReadonlyArray<{ readonly orderId: string; readonly status: string }>;
    readonly alertedOrders: readonly string[];
  };
}

interface Violation {
  readonly subject: string;
  readonly message: string;
}

/** Charges the processor made for one order: `kept` is the number not refunded. */
function chargesOf(query: Input["query"], orderId: string): { charged: number; kept: number } {
  const row = query(
    `SELECT COUNT(*) AS charged, SUM(CASE WHEN refund_id IS NULL THEN 1 ELSE 0 END) AS kept
     FROM simulated_charges WHERE order_id = ? AND outcome = 'charged'`,
    [orderId],
  )[0];
  return { charged: Number(row?.charged ?? 0), kept: Number(row?.kept ?? 0) };
}

export const invariants = [
  {
    name: "one-charge-per-order",
    description: "the processor charged each order at most once",
    counts: "doubleCharges",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT order_id, COUNT(*) AS n FROM simulated_charges WHERE outcome = 'charged'
         GROUP BY order_id HAVING COUNT(*) > 1`,
      ).map((r) => ({
        subject: String(r.order_id),
        message: `order ${r.order_id} was charged ${r.n} times`,
      })),
  },
  {
    name: "charges-recorded",
    description:
      "every charge the processor made is recorded: a payment with its charge reference, or a charge in doubt being reconciled",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT c.order_id, c.charge_id FROM simulated_charges c
         WHERE c.outcome = 'charged'
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.charge_ref = c.charge_id)
           AND NOT EXISTS (SELECT 1 FROM charges_in_doubt d WHERE d.order_id = c.order_id)`,
      ).map((r) => ({
        subject: String(r.order_id),
        message: `the processor charged order ${r.order_id} (${r.charge_id}) and payments has no record of it`,
      })),
  },
  {
    name: "refunds-match-ledger",
    description: "a payment is refunded exactly when the processor refunded its charge",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT p.order_id, p.status, c.refund_id FROM payments p
         JOIN simulated_charges c ON c.charge_id = p.charge_ref
         WHERE (p.status = 'refunded') <> (c.refund_id IS NOT NULL)`,
      ).map((r) => ({
        subject: String(r.order_id),
        message: `order ${r.order_id}: payment ${r.status}, processor refund ${r.refund_id ?? "none"}`,
      })),
  },
  {
    name: "money-follows-orders",
    description:
      "a confirmed order keeps exactly one charge; a cancelled one keeps none (refunded once); a parked one still charged is named by an alert",
    check: ({ query, facts }: Input): Violation[] => {
      const alerted = new Set(facts.alertedOrders);
      return facts.orders.flatMap((order) => {
        const { charged, kept } = chargesOf(query, order.orderId);
        const subject = order.orderId;
        if (order.status === "confirmed" && (charged !== 1 || kept !== 1))
          return [
            {
              subject,
              message: `confirmed order ${subject} has ${charged} charges, ${kept} kept (expected 1)`,
            },
          ];
        if (order.status === "cancelled" && kept > 0)
          return [{ subject, message: `cancelled order ${subject} keeps ${kept} charge(s) unrefunded` }];
        if (order.status === "requires_attention" && kept > 0 && !alerted.has(subject))
          return [{ subject, message: `parked order ${subject} keeps a charge and no alert names it` }];
        return [];
      });
    },
  },
] as const;
