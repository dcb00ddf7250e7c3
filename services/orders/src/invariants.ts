/**
 * The invariants orders owns, which the fault suite (`pnpm test:faults`, tools/faults) checks on this
 * service's SQLite file, opened read-only, after every scenario. This module imports nothing: its shape
 * is the suite's `ServiceInvariant`, matched structurally, so the service never depends on the suite.
 */

type Row = Readonly<Record<string, string | number | bigint | Buffer | null>>;

interface Input {
  query(sql: string, params?: readonly (string | number)[]): readonly Row[];
}

interface Violation {
  readonly subject: string;
  readonly message: string;
}

/** The saga statuses an order's status allows (the saga's end hooks set the order's status in the same transaction). */
const SAGA_FOR_ORDER: Readonly<Record<string, readonly string[]>> = {
  pending: ["running", "compensating"],
  confirmed: ["completed"],
  cancelled: ["compensated"],
  requires_attention: ["requires_attention"],
};

export const invariants = [
  {
    name: "saga-matches-order",
    description:
      "every order has its saga, and the two agree: confirmed with completed, cancelled with compensated, parked with parked, pending while it runs",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT o.order_id, o.status, s.status AS saga_status FROM orders o
         LEFT JOIN saga_instances s ON s.saga_id = o.saga_id`,
      ).flatMap((r) => {
        const allowed = SAGA_FOR_ORDER[String(r.status)] ?? [];
        return allowed.includes(String(r.saga_status))
          ? []
          : [
              {
                subject: String(r.order_id),
                message: `order ${r.order_id} is ${r.status} but its saga is ${r.saga_status ?? "missing"}`,
              },
            ];
      }),
  },
  {
    name: "completed-sagas-did-every-step",
    description:
      "a completed saga has every step done; a compensated one has no step left done that needed undoing",
    check: ({ query }: Input): Violation[] =>
      query(
        `SELECT s.correlation_id, s.status, st.name, st.status AS step_status FROM saga_instances s
         JOIN saga_steps st ON st.saga_id = s.saga_id
         WHERE (s.status = 'completed' AND st.status <> 'done')
            OR (s.status = 'compensated' AND st.status = 'done' AND st.needs_compensation = 1)`,
      ).map((r) => ({
        subject: String(r.correlation_id),
        message: `saga of order ${r.correlation_id} is ${r.status} with step ${r.name} ${r.step_status}`,
      })),
  },
] as const;
