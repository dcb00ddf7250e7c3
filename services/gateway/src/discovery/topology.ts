import { RPC_PREFIX, subjectMatches } from "@bazaar/contracts";
import * as v from "valibot";
import type { SrvInfo } from "./discovery.js";

/** What the kit publishes as each service's `topology` metadata (`describeTopology`). */
const Declared = v.object({
  service: v.string(),
  serves: v.array(v.string()),
  calls: v.array(v.string()),
  emits: v.array(v.string()),
  consumes: v.array(v.string()),
});
type Declared = v.InferOutput<typeof Declared>;

export const TopologyNode = v.object({
  id: v.string(),
  /** Running instances (0 for a service that is called but not running). */
  instances: v.number(),
  serves: v.array(v.string()),
  calls: v.array(v.string()),
  emits: v.array(v.string()),
  consumes: v.array(v.string()),
});
export const TopologyEdge = v.object({
  from: v.string(),
  to: v.string(),
  kind: v.picklist(["call", "event"]),
  subject: v.string(),
});
export const Topology = v.object({ nodes: v.array(TopologyNode), edges: v.array(TopologyEdge) });
export type Topology = v.InferOutput<typeof Topology>;

function declared(srv: SrvInfo): Declared | undefined {
  try {
    const parsed = v.safeParse(Declared, JSON.parse(srv.metadata.topology ?? ""));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** The service an RPC subject belongs to: `rpc.<service>.<name>`. */
function serviceOf(subject: string): string | undefined {
  const [prefix, service] = subject.split(".");
  return prefix === RPC_PREFIX && service ? service : undefined;
}

/** `calledServices` names every service some running service declares calls to. */
export function calledServices(info: readonly SrvInfo[]): Set<string> {
  const names = new Set<string>();
  for (const srv of info) for (const s of declared(srv)?.calls ?? []) names.add(serviceOf(s) ?? "");
  names.delete("");
  return names;
}

/**
 * `buildTopology` draws the system from what the running services declare: a node per service, a `call`
 * edge per RPC subject a service calls, and an `event` edge from each emitter to each consumer of a subject.
 */
export function buildTopology(info: readonly SrvInfo[]): Topology {
  const nodes = new Map<string, v.InferOutput<typeof TopologyNode>>();
  for (const srv of info) {
    const node = nodes.get(srv.name);
    if (node) {
      node.instances++;
      continue;
    }
    const d = declared(srv);
    nodes.set(srv.name, {
      id: srv.name,
      instances: 1,
      serves: d?.serves ?? srv.endpoints.map((e) => e.subject),
      calls: d?.calls ?? [],
      emits: d?.emits ?? [],
      consumes: d?.consumes ?? [],
    });
  }
  const edges: Array<v.InferOutput<typeof TopologyEdge>> = [];
  for (const from of [...nodes.values()]) {
    for (const subject of from.calls) {
      const to = serviceOf(subject);
      if (!to) continue;
      if (!nodes.has(to))
        nodes.set(to, { id: to, instances: 0, serves: [], calls: [], emits: [], consumes: [] });
      edges.push({ from: from.id, to, kind: "call", subject });
    }
  }
  for (const emitter of nodes.values()) {
    for (const subject of emitter.emits) {
      for (const consumer of nodes.values()) {
        if (consumer.consumes.some((filter) => filter === subject || subjectMatches(filter, subject)))
          edges.push({ from: emitter.id, to: consumer.id, kind: "event", subject });
      }
    }
  }
  return { nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)), edges };
}
