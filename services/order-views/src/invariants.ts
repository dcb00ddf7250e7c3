/**
 * The invariants order-views owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on
 * this service's SQLite file, opened read-only, after every scenario. The suite also compares the read
 * model with the write side through the public API; this check reads the table itself, so a row the API
 * would not show (another user's, a stray) is caught too. This module imports nothing: its shape is the
 * suite's `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
  readonly facts: {
    readonly orders: ReadonlyArray<{
      readonly orderId: string;
      readonly userId: string;
      readonly status: string;
      readonly cancelReason: string | null;
      readonly totalCents: number;
      readonly paymentStatus: string;
      readonly trackingNumber: string | null;
    }>;
  };
}

interface Violation {
  readonly subject: string;
  readonly message: string;
}

export const invariants = [
  {
    name: "views-match-orders",
    description:
      "the read model has exactly one row per order, equal to the write side in user, status, cancel reason, total, payment status and tracking number",
    counts: "readModelMismatches",
    check: ({ query, facts }: Input): Violation[] => {
      const rows = new Map(query("SELECT * FROM order_views").map((r) => [String(r.order_id), r]));
      const out: Violation[] = [];
      for (const order of facts.orders) {
        const row = rows.get(order.orderId);
        rows.delete(order.orderId);
        if (!row) {
          out.push({ subject: order.orderId, message: `order ${order.orderId} has no row in order_views` });
          continue;
        }
        const fields: Array<[string, unknown, unknown]> = [
          ["user_id", row.user_id, order.userId],
          ["status", row.status, order.status],
          ["cancel_reason", row.cancel_reason, order.cancelReason],
          ["total_cents", row.total_cents, order.totalCents],
          ["payment_status", row.payment_status, order.paymentStatus],
          ["tracking_number", row.tracking_number, order.trackingNumber],
        ];
        const differ = fields.filter(([, seen, truth]) => seen !== truth).map(([name]) => name);
        if (differ.length > 0)
          out.push({
            subject: order.orderId,
            message: `order ${order.orderId}: ${differ.join(", ")} differ from orders`,
          });
      }
      for (const orderId of rows.keys())
        out.push({
          subject: orderId,
          message: `order_views has a row for ${orderId}, which orders does not know`,
        });
      return out;
    },
  },
] as const;
