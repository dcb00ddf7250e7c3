import { AggregatorRegistry, Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry };

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly rpcRequests: Counter<"endpoint" | "code">;
  readonly rpcDuration: Histogram<"endpoint">;
  readonly rpcCalls: Counter<"subject" | "code">;
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route">;
  readonly rpcCallDuration: Histogram<"subject">;
  /**
   * The metrics of one partition of a partitioned service: the same families, labelled with the
   * partition, rendered together with these.
   */
  partition(partition: number): ServiceMetrics;
  /** Stops rendering a partition's metrics (it was handed over: its gauges would read a closed file). */
  dropPartition(partition: number): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
}

/**
 * `createMetrics` gives each service its own registry (several services can share a process), labelled
 * with the service and instance, with Node process metrics and the RPC metrics every service has.
 */
export function createMetrics(options: {
  service: string;
  instance: string;
  processMetrics?: boolean;
  partition?: number;
}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({
    service: options.service,
    instance: options.instance,
    ...(options.partition === undefined ? {} : { partition: String(options.partition) }),
  });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "bazaar_" });
  const rpcRequests = new Counter({
    name: "bazaar_rpc_requests_total",
    help: "RPC requests served, by endpoint and result code (OK or an error code).",
    labelNames: ["endpoint", "code"] as const,
    registers: [registry],
  });
  const rpcDuration = new Histogram({
    name: "bazaar_rpc_request_duration_seconds",
    help: "Time to serve an RPC request, by endpoint.",
    labelNames: ["endpoint"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rpcCalls = new Counter({
    name: "bazaar_rpc_calls_total",
    help: "RPC calls this service made, by subject and result code.",
    labelNames: ["subject", "code"] as const,
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: "bazaar_http_requests_total",
    help: "HTTP requests served, by method, route and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "bazaar_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route.",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rpcCallDuration = new Histogram({
    name: "bazaar_rpc_call_duration_seconds",
    help: "Time an outgoing RPC call waited for its answer, by subject.",
    labelNames: ["subject"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const partitions = new Map<number, ServiceMetrics>();
  return {
    registry,
    rpcRequests,
    rpcDuration,
    rpcCalls,
    httpRequests,
    httpDuration,
    rpcCallDuration,
    partition(partition) {
      // A partition taken again (after a handover) starts afresh, as its new owner's would.
      const child = createMetrics({ ...options, processMetrics: false, partition });
      partitions.set(partition, child);
      return child;
    },
    dropPartition(partition) {
      partitions.delete(partition);
    },
    async render() {
      if (partitions.size === 0) return registry.metrics();
      // One exposition with one HELP and TYPE per family: the partitions' series differ by their label.
      const all = [registry, ...[...partitions.values()].map((p) => p.registry)];
      return AggregatorRegistry.aggregate(await Promise.all(all.map((r) => r.getMetricsAsJSON()))).metrics();
    },
  };
}
