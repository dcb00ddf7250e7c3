/**
 * The contract between the fault suite and the services: what a service's `src/invariants.ts` exports.
 *
 * A service declares the invariants only it can check (they read its own tables) next to its code, and
 * the suite runs them against the service's SQLite file, opened read-only, after every scenario. The
 * shapes are structural and use only plain values: the module imports nothing from the suite (a service
 * never depends on a tool), and the suite validates what it loads (`parseServiceInvariants`). A service
 * that exports nothing here is still started, killed and checked by the suite's own invariants.
 *
 * @example
 * // services/inventory/src/invariants.ts
 * export const invariants = [
 *   {
 *     name: "reserved-matches-holds",
 *     description: "products.reserved is the sum of the units held by live reservations",
 *     counts: "stockMismatches",
 *     check: ({ query }) =>
 *       query("SELECT sku FROM products p WHERE reserved <> (SELECT ...)").map((r) => ({
 *         subject: String(r.sku),
 *         message: `reserved does not match the holds of ${r.sku}`,
 *       })),
 *   },
 * ];
 */

/** A value SQLite hands back (better-sqlite3 returns INTEGER columns as numbers by default). */
export type SqlValue = string | number | bigint | Buffer | null;

/** One result row, by column name. */
export type SqlRow = Readonly<Record<string, SqlValue>>;

/** A read-only query on the service's own SQLite file: positional `?` parameters. */
export type ReadOnlyQuery = (sql: string, params?: readonly (string | number)[]) => readonly SqlRow[];

/** An order as the write side reported it at the end of the run (through the gateway's API). */
export interface OrderFact {
  readonly orderId: string;
  readonly userId: string;
  readonly status: "pending" | "confirmed" | "cancelled" | "requires_attention";
  readonly cancelReason: string | null;
  readonly totalCents: number;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  /** The payment's status, `none` when there is no payment. */
  readonly paymentStatus: "none" | "completed" | "failed" | "refunded";
  readonly trackingNumber: string | null;
}

/** What the suite knows at the end of a run, handed to every invariant. */
export interface InvariantFacts {
  /** The products the suite created, with every unit it added (initial stock plus acknowledged restocks). */
  readonly products: ReadonlyArray<{ readonly sku: string; readonly unitsAdded: number }>;
  /** Every account the run signed in with: the seeded ones and those it registered. */
  readonly users: ReadonlyArray<{ readonly userId: string; readonly email: string }>;
  /** Every order the write side knows, with its final state. */
  readonly orders: readonly OrderFact[];
  /** Orders an `ops.alert` names (an operator was told). */
  readonly alertedOrders: readonly string[];
}

export interface InvariantInput {
  readonly query: ReadOnlyQuery;
  readonly facts: InvariantFacts;
}

/** The report's columns an invariant's violations count in (distinct subjects are counted). */
export type ReportColumn = "doubleCharges" | "stockMismatches" | "readModelMismatches";

/** One thing found wrong: `subject` names what it is about (an order id, a SKU), for counting and reading. */
export interface InvariantViolation {
  readonly subject: string;
  readonly message: string;
}

export interface ServiceInvariant {
  /** kebab-case, unique within the service. */
  readonly name: string;
  /** One sentence: what must hold. */
  readonly description: string;
  readonly counts?: ReportColumn;
  check(input: InvariantInput): readonly InvariantViolation[];
}

/** What `services/<name>/src/invariants.ts` exports (compiled to `dist/invariants.js`). */
export interface ServiceInvariantsModule {
  readonly invariants: readonly ServiceInvariant[];
}
