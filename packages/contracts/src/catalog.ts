import type { EventContract, RpcContract } from "./define.js";
import * as inventory from "./inventory/index.js";
import * as notifications from "./notifications/index.js";
import * as orderViews from "./order-views/index.js";
import * as orders from "./orders/index.js";
import * as payments from "./payments/index.js";
import * as shipping from "./shipping/index.js";
import * as users from "./users/index.js";

function pick<T extends { kind: string }>(kind: T["kind"], modules: object[]): T[] {
  const out: T[] = [];
  for (const m of modules) {
    for (const value of Object.values(m)) {
      if (value && typeof value === "object" && (value as { kind?: unknown }).kind === kind)
        out.push(value as T);
    }
  }
  return out;
}

/**
 * The contracts of every service that declares any, under its name in the registry (packages/topology,
 * `contracts: true`); `catalog.test.ts` fails when the two differ.
 */
export const DOMAINS = {
  users,
  inventory,
  payments,
  shipping,
  orders,
  "order-views": orderViews,
  notifications,
} as const;

const domains: object[] = Object.values(DOMAINS);

/** Every RPC contract of the system (for tools: the OpenAPI generator, the topology view, tests). */
export const ALL_RPCS: readonly RpcContract[] = Object.freeze(pick<RpcContract>("rpc", domains));

/** Every event contract of the system. */
export const ALL_EVENTS: readonly EventContract[] = Object.freeze(pick<EventContract>("event", domains));

/** `findEvent` looks an event contract up by type and version (e.g. for dead-letter replay). */
export function findEvent(type: string, version: number): EventContract | undefined {
  return ALL_EVENTS.find((e) => e.type === type && e.version === version);
}
