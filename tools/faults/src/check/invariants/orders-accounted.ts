import type { SystemInvariant } from "../check-context.js";
import { isTerminal } from "../order-records.js";
import { type Violation, violation } from "../violation.js";

/** Every acknowledged order exists on the write side and reached a final status within the bound. */
export const acknowledgedOrdersSettle: SystemInvariant = {
  name: "acknowledged-orders-settle",
  description:
    "every order acknowledged with 202 exists and reaches a final status within the bound (from its acknowledgement or the last heal)",
  check({ records, orders, final, options }) {
    const out: Violation[] = [];
    const lastHeal = records.heals.at(-1) ?? 0;
    for (const intent of records.intents) {
      for (const orderId of intent.orderIds) {
        const order = orders.get(orderId);
        if (!order) {
          out.push(violation(this.name, orderId, `acknowledged order ${orderId} is missing`, "lost"));
          continue;
        }
        if (!isTerminal(order.status)) {
          out.push(
            violation(this.name, orderId, `acknowledged order ${orderId} is still ${order.status}`, "lost"),
          );
          continue;
        }
        const from = Math.max(intent.ackAt ?? intent.startedAt, lastHeal);
        const at = intent.terminalAt ?? final.collectedAt;
        if (at - from > options.terminalBoundMs) {
          out.push(
            violation(
              this.name,
              orderId,
              `order ${orderId} took ${at - from} ms to reach ${order.status} (bound ${options.terminalBoundMs} ms)`,
            ),
          );
        }
      }
    }
    return out;
  },
};

/** An idempotency key places one order, however often it is sent, and a user has no order nobody asked for. */
export const onePerIntent: SystemInvariant = {
  name: "one-order-per-intent",
  description:
    "every retry of a command with the same Idempotency-Key gets the same order, and no user has more orders than intents",
  check({ records, final }) {
    const out: Violation[] = [];
    const intentsPerUser = new Map<string, number>();
    for (const intent of records.intents) {
      intentsPerUser.set(intent.userId, (intentsPerUser.get(intent.userId) ?? 0) + 1);
      if (intent.orderIds.size > 1) {
        out.push(
          violation(
            this.name,
            intent.key,
            `key ${intent.key} was acknowledged with ${intent.orderIds.size} different orders: ${[...intent.orderIds].join(", ")}`,
          ),
        );
      }
    }
    const ordersPerUser = new Map<string, number>();
    for (const order of final.orders) {
      if (!intentsPerUser.has(order.userId)) continue;
      ordersPerUser.set(order.userId, (ordersPerUser.get(order.userId) ?? 0) + 1);
    }
    for (const [userId, count] of ordersPerUser) {
      const intents = intentsPerUser.get(userId) ?? 0;
      if (count > intents) {
        out.push(
          violation(
            this.name,
            userId,
            `user ${userId} has ${count} orders for ${intents} intents (duplicates)`,
          ),
        );
      }
    }
    return out;
  },
};

/**
 * Every command got a final answer within the scenario's bound, and a well-formed order was accepted: a
 * command the client gave up on is a system that did not come back; a refused one is a system that turned
 * down what it should take.
 */
export const commandsAnswered: SystemInvariant = {
  name: "commands-answered",
  description:
    "every command the careful client sent (orders, cancels, restocks, sign-ups) got a final answer within the scenario's bound, and every order was accepted with 202",
  check({ history }) {
    const out: Violation[] = [];
    for (const entry of history) {
      if (entry.type === "gave-up")
        out.push(
          violation(
            this.name,
            entry.key,
            `${entry.op} ${entry.key} got no final answer in ${entry.attempts} attempts`,
          ),
        );
      if (entry.type === "refused" && entry.op === "place")
        out.push(
          violation(
            this.name,
            entry.key,
            `order ${entry.key} was refused with ${entry.status}${entry.reason ? ` (${entry.reason})` : ""}`,
          ),
        );
    }
    return out;
  },
};
