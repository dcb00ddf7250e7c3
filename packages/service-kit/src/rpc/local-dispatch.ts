import type { MsgHdrs } from "@nats-io/transport-node";
import { TimeoutError } from "../errors/app-error.js";
import type { LocalEndpoint, LocalReply } from "./local-registry.js";

/**
 * `requestLocally` hands a request to an endpoint of this process, bounded by the caller's budget as a
 * NATS request is: past `timeoutMs` the caller gets TIMEOUT (same message as over NATS) and, as over
 * NATS, the handler may still finish (commands carry idempotency keys). Undefined when the endpoint no
 * longer takes requests (its service is stopping): the caller then goes through the broker, where another
 * instance may answer or "no responders" says UNAVAILABLE, exactly as for a draining remote service.
 */
export async function requestLocally(o: {
  readonly endpoint: LocalEndpoint;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
  readonly timeoutMs: number;
}): Promise<LocalReply | undefined> {
  const pending = o.endpoint.serve({ data: o.data, headers: o.headers });
  if (!pending) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TimeoutError(`${o.subject} did not answer within ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
  });
  try {
    return await Promise.race([pending, expired]);
  } finally {
    clearTimeout(timer);
  }
}
