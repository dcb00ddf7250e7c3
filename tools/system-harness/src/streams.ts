import { STREAMS } from "@bazaar/contracts";
import { ensureStream } from "@bazaar/service-kit/platform";
import { jetstreamManager } from "@nats-io/jetstream";
import type { Broker } from "./broker.js";

/**
 * `ensureStreams` creates every stream of the system with the kit's own `ensureStream` (the function each
 * owner runs at start-up), replicated on every node of the broker, so consumers find their streams
 * whatever order the services start in.
 */
export async function ensureStreams(broker: Broker): Promise<void> {
  const nc = await broker.connect(`${broker.harness}-streams`);
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    for (const stream of STREAMS) await ensureStream(jsm, stream, { replicas: broker.replicas });
  } finally {
    await nc.close();
  }
}
