import { Counter, type Registry } from "prom-client";

/** How a call reached its handler: over the broker, or directly within one process (the modular monolith). */
export type RpcTransport = "nats" | "local";

export interface RpcTransportMetrics {
  /** Calls this service made that were dispatched in-process, by subject and result code. */
  readonly localCalls: Counter<"subject" | "code">;
  /** Requests this service served in-process, by endpoint and result code. */
  readonly localRequests: Counter<"endpoint" | "code">;
}

const byRegistry = new WeakMap<Registry, RpcTransportMetrics>();

/**
 * `rpcTransportMetrics` are separate counters for in-process dispatch rather than a `transport` label on
 * the RPC metrics: the existing series keep counting every call whatever carried it (dashboards and alerts
 * on them stay whole and unchanged), and `local / total` tells an operator how much skipped the broker.
 * One set per service registry, created on first use.
 */
export function rpcTransportMetrics(registry: Registry): RpcTransportMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      localCalls: new Counter({
        name: "bazaar_rpc_local_calls_total",
        help: "RPC calls this service made that were dispatched in-process (no broker), by subject and result code.",
        labelNames: ["subject", "code"] as const,
        registers: [registry],
      }),
      localRequests: new Counter({
        name: "bazaar_rpc_local_requests_total",
        help: "RPC requests served in-process (no broker), by endpoint and result code.",
        labelNames: ["endpoint", "code"] as const,
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
