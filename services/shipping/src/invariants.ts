/**
 * The invariants shipping owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on this
 * service's SQLite file, opened read-only, after every scenario. This module imports nothing: its shape
 * is the suite's `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
  readonly facts: {
    readonly orders: ReadonlyArray<{
      readonly orderId: string;
      readonly status: string;
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
    name: "shipments-follow-orders",
    description:
      "a confirmed order has one live shipment, with the tracking number the API shows; a cancelled order has none",
    check: ({ query, facts }: Input): Violation[] =>
      facts.orders.flatMap((order) => {
        const row = query("SELECT status, tracking_number FROM shipments WHERE order_id = ?", [
          order.orderId,
        ])[0];
        const live = row?.status === "created";
        const subject = order.orderId;
        if (order.status === "confirmed" && !live)
          return [
            { subject, message: `confirmed order ${subject} has its shipment ${row?.status ?? "missing"}` },
          ];
        if (order.status === "confirmed" && row?.tracking_number !== order.trackingNumber)
          return [
            {
              subject,
              message: `order ${subject} ships as ${row?.tracking_number}, the API says ${order.trackingNumber}`,
            },
          ];
        if (order.status === "cancelled" && live)
          return [{ subject, message: `cancelled order ${subject} still has a live shipment` }];
        return [];
      }),
  },
] as const;
