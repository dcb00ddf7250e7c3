/**
 * The invariants inventory owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on this
 * service's SQLite file, opened read-only, after every scenario. This module imports nothing: its shape
 * is the suite's `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
  readonly facts: {
    readonly products: ReadonlyArray<{ readonly sku: string; readonly unitsAdded: number }>;
    readonly orders: ReadonlyArray<{
      readonly orderId: string;
      readonly status: string;
      readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
    }>;
  };
}

interface Violation {
  readonly subject: string;
  readonly message: string;
}

/** Units of a product held by reservations in one status. */
const UNITS_IN = `COALESCE((SELECT SUM(ri.quantity) FROM reservation_items ri
  JOIN reservations r ON r.order_id = ri.order_id WHERE ri.sku = p.sku AND r.status = ?), 0)`;

export const invariants = [
  {
    name: "reserved-matches-holds",
    description: "each product's reserved count is the sum of the units its live reservations hold",
    counts: "stockMismatches",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT sku, reserved, held FROM (SELECT p.sku, p.reserved, ${UNITS_IN} AS held FROM products p)
        WHERE reserved <> held`,
        ["reserved"],
      ).map((r) => ({
        subject: String(r.sku),
        message: `${r.sku}: reserved is ${r.reserved} but live reservations hold ${r.held}`,
      })),
  },
  {
    name: "stock-conserved",
    description:
      "for every product the suite created, units added = on hand + units committed to shipped orders",
    counts: "stockMismatches",
    check: ({ query, facts }: Input): Violation[] =>
      facts.products.flatMap((product) => {
        const row = query(`SELECT p.on_hand, ${UNITS_IN} AS committed FROM products p WHERE p.sku = ?`, [
          "committed",
          product.sku,
        ])[0];
        if (!row) return [{ subject: product.sku, message: `${product.sku} is not in products` }];
        const accounted = Number(row.on_hand) + Number(row.committed);
        return accounted === product.unitsAdded
          ? []
          : [
              {
                subject: product.sku,
                message: `${product.sku}: ${product.unitsAdded} units added, but on hand ${row.on_hand} + committed ${row.committed} = ${accounted}`,
              },
            ];
      }),
  },
  {
    name: "reservations-follow-orders",
    description:
      "a confirmed order's reservation is committed with the order's items; a cancelled order holds and ships nothing",
    counts: "stockMismatches",
    check: ({ query, facts }: Input): Violation[] =>
      facts.orders.flatMap((order) => {
        if (order.status !== "confirmed" && order.status !== "cancelled") return [];
        const status = query("SELECT status FROM reservations WHERE order_id = ?", [order.orderId])[0]
          ?.status;
        if (order.status === "cancelled") {
          return status === "reserved" || status === "committed"
            ? [
                {
                  subject: order.orderId,
                  message: `cancelled order ${order.orderId} left its reservation ${status}`,
                },
              ]
            : [];
        }
        if (status !== "committed")
          return [
            {
              subject: order.orderId,
              message: `confirmed order ${order.orderId} has its reservation ${status ?? "missing"}, not committed`,
            },
          ];
        const held = query("SELECT sku, quantity FROM reservation_items WHERE order_id = ? ORDER BY sku", [
          order.orderId,
        ])
          .map((r) => `${r.sku}x${r.quantity}`)
          .join(",");
        // Inventory merges the lines of one SKU into one hold.
        const merged = new Map<string, number>();
        for (const item of order.items) merged.set(item.sku, (merged.get(item.sku) ?? 0) + item.quantity);
        const wanted = [...merged]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([sku, quantity]) => `${sku}x${quantity}`)
          .join(",");
        return held === wanted
          ? []
          : [
              {
                subject: order.orderId,
                message: `order ${order.orderId} committed ${held}, ordered ${wanted}`,
              },
            ];
      }),
  },
] as const;
