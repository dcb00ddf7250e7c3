import { setTimeout as delay } from "node:timers/promises";
import { ORDERS_STREAM } from "@bazaar/contracts";
import type { Broker } from "@bazaar/system-harness";
import { jetstreamManager } from "@nats-io/jetstream";
import { type Fault, recordFault } from "./fault.js";

export interface ClusterFailoverOptions {
  /** How long each killed node stays down. */
  readonly downMs: number;
  /** The stream whose leader is killed in the second phase. */
  readonly stream?: string;
}

/** The name of the node that leads a stream's replicas now. */
async function streamLeader(broker: Broker, stream: string): Promise<string | undefined> {
  const nc = await broker.connect("faults-leader");
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    return (await jsm.streams.info(stream)).cluster?.leader;
  } finally {
    await nc.close();
  }
}

/**
 * `clusterFailover` runs the system on a three-node NATS cluster on loopback, every stream replicated on
 * all three (`JS_REPLICAS=3`), and SIGKILLs a node under load twice: first a node that does not lead the
 * ORDERS stream, then the one that does, each brought back after `downMs`.
 */
export function clusterFailover(options: ClusterFailoverOptions): Fault {
  const stream = options.stream ?? ORDERS_STREAM.name;
  return {
    name: "cluster-failover",
    description: `three-node cluster, R3 streams: a follower node killed, then ${stream}'s leader, ${Math.round(options.downMs / 1000)} s down each`,
    natsNodes: 3,
    async inject(context) {
      const { broker } = context.system;
      const kill = async (phase: string, pick: (leader: string | undefined) => string | undefined) => {
        const leader = await streamLeader(broker, stream);
        const name = pick(leader);
        const node = broker.nodes.find((n) => n.name === name);
        if (!node) throw new Error(`no node to kill (leader ${leader ?? "unknown"})`);
        recordFault(context, {
          fault: "node-kill",
          action: "start",
          target: node.name,
          detail: `${phase}; ${stream} leader ${leader}`,
        });
        await node.kill();
        await delay(options.downMs);
        await node.start();
        recordFault(context, { fault: "node-kill", action: "heal", target: node.name });
      };
      await delay(context.loadMs * 0.2);
      await kill("a follower", (leader) => broker.nodes.find((n) => n.name !== leader)?.name);
      await delay(context.loadMs * 0.2);
      await kill("the leader", (leader) => leader);
    },
  };
}
