import { setTimeout as delay } from "node:timers/promises";
import { ORDERS_STREAM } from "@bazaar/contracts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import Database from "better-sqlite3";
import { isTerminal } from "../check/order-records.js";
import { type Fault, type FaultContext, recordFault } from "./fault.js";

/** What the canary breaks, by the invariants that must catch it. */
export const CANARY_CATCHES = [
  "stock-conserved",
  "inventory/stock-conserved",
  "events-exactly-once",
  "read-model-equals-write-side",
  "order-views/views-match-orders",
] as const;

/** `tamper` writes to a running service's SQLite file behind its back (WAL lets a second writer in). */
function tamper(file: string, sql: string, params: readonly string[]): number {
  const db = new Database(file, { timeout: 10_000 });
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

/** An order the client saw final: no event will touch its view again. */
function settledOrder(context: FaultContext): string | undefined {
  for (const entry of context.history.entries())
    if (entry.type === "observe" && entry.status === "confirmed" && isTerminal(entry.status))
      return entry.orderId;
  return undefined;
}

/**
 * `canary` proves the suite can fail: near the end of the load it plants three known faults the system
 * did not make: a unit of stock from nowhere (in inventory's file), an ORDERS event published a second
 * time under another message id, and a confirmed order's row deleted from the read model. Its scenario
 * passes only when exactly the invariants in `CANARY_CATCHES` report them.
 */
export function canary(): Fault {
  return {
    name: "canary",
    description:
      "planted faults (stock from nowhere, a duplicated event, a lost view) that the checker must catch",
    expects: CANARY_CATCHES,
    async inject(context) {
      await delay(context.loadMs * 0.8);
      const { system } = context;
      const added = tamper(
        system.dbFile("inventory"),
        "UPDATE products SET on_hand = on_hand + 1 WHERE sku = ?",
        ["FAULTS-PLENTY"],
      );
      recordFault(context, {
        fault: "canary",
        action: "note",
        target: "inventory",
        detail: `${added} product +1 unit`,
      });
      const orderId = settledOrder(context);
      const removed = orderId
        ? system
            .dbFiles("order-views")
            .reduce((n, file) => n + tamper(file, "DELETE FROM order_views WHERE order_id = ?", [orderId]), 0)
        : 0;
      recordFault(context, {
        fault: "canary",
        action: "note",
        target: "order-views",
        detail: `${removed} view deleted (${orderId})`,
      });
      const nc = await system.broker.connect("faults-canary");
      try {
        const jsm = await jetstreamManager(nc, { timeout: 10_000 });
        const first = await jsm.streams.getMessage(ORDERS_STREAM.name, { seq: 1 });
        if (!first) throw new Error("ORDERS is empty");
        await jetstream(nc).publish(first.subject, first.data, { msgID: `canary-${Date.now()}` });
        recordFault(context, {
          fault: "canary",
          action: "note",
          target: ORDERS_STREAM.name,
          detail: `seq 1 published again`,
        });
      } finally {
        await nc.close();
      }
    },
  };
}
