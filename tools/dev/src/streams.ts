import { STREAMS } from "@bazaar/contracts";
import { connectRpcClient, ensureStream } from "@bazaar/service-kit/platform";
import { jetstreamManager } from "@nats-io/jetstream";

/**
 * `ensureAllStreams` creates every stream of the system up front, so consumers of a stream whose owner
 * has not started yet are ready at once (each owner also ensures its own streams when it starts). Only the
 * operator may create every stream: pass its user on a broker that enforces the permissions.
 */
export async function ensureAllStreams(
  natsUrl: string,
  replicas = 1,
  operator?: { readonly user: string; readonly password: string },
): Promise<string[]> {
  const { nc, close } = await connectRpcClient({ servers: natsUrl, caller: "bazaar-dev", user: operator });
  try {
    const jsm = await jetstreamManager(nc);
    const changed: string[] = [];
    for (const stream of STREAMS) {
      const outcome = await ensureStream(jsm, stream, { replicas });
      if (outcome !== "unchanged") changed.push(`${stream.name} (${outcome})`);
    }
    return changed;
  } finally {
    await close();
  }
}
