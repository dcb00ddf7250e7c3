import type { RpcContract, RpcRequestInput, RpcResponse } from "@bazaar/contracts";
import { createInbox, type Msg, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { TimeoutError, UnavailableError } from "../errors/app-error.js";
import { H, headerOf, makeHeaders } from "../nats/headers.js";
import { inboxPrefix } from "../permissions/inbox-prefix.js";
import { decodeReply, encodeJson, errorFromReply, isErrorReply } from "./codec.js";
import { outgoingHeaders, validateReply } from "./outgoing.js";

/**
 * Streaming calls send a large result as a sequence of chunk messages to the caller's inbox.
 *
 * Flow control is credit based: the request says how many chunks the caller is ready to buffer
 * (`Bazaar-Stream-Credit`); the server sends at most that many before waiting for more credit, which the
 * caller publishes to the server's ack subject (`Bazaar-Stream-Ack`) as it consumes chunks. The last
 * message carries `Bazaar-Stream-End` (or an error). A caller that stops early publishes a cancel, and a
 * server that hears nothing for a while gives up, so neither side leaks.
 */

export interface StreamCallOptions {
  /** Chunks the caller buffers ahead (default 4). */
  readonly window?: number;
  /** Max wait for each chunk (default: the contract's timeout). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Items per chunk, and the byte budget that closes a chunk early. */
const CHUNK_ITEMS = 200;
const CHUNK_BYTES = 256 * 1024;
/** How long a server waits for credit before it assumes the caller is gone. */
const CREDIT_TIMEOUT_MS = 30_000;

export interface ServeStreamOptions {
  readonly nc: NatsConnection;
  readonly request: Msg;
  /**
   * Where the caller's credit is heard (`streamCreditPrefix` of the serving service): under the server's
   * own inbox, where the broker lets callers of its streaming endpoints publish and nothing else.
   */
  readonly creditPrefix: string;
  readonly items: AsyncIterable<unknown> | Iterable<unknown>;
  /** Validates each item against the contract (outside production). */
  readonly check?: (item: unknown) => unknown;
  readonly signal?: AbortSignal;
}

/** `serveStream` sends `items` to the caller in chunks, honouring its credit. Resolves with the item count. */
export async function serveStream(options: ServeStreamOptions): Promise<number> {
  const { nc, request } = options;
  let credit = Math.max(1, Math.min(64, Number(headerOf(request.headers, H.streamCredit)) || 4));
  let cancelled = false;
  let wake: (() => void) | undefined;
  const ackSubject = createInbox(options.creditPrefix);
  const acks: Subscription = nc.subscribe(ackSubject, {
    callback: (_err, msg) => {
      try {
        const body = JSON.parse(new TextDecoder().decode(msg.data)) as { credit?: number; cancel?: boolean };
        if (body.cancel) cancelled = true;
        if (typeof body.credit === "number" && body.credit > 0) credit += body.credit;
      } catch {
        cancelled = true;
      }
      wake?.();
    },
  });

  const waitForCredit = async (): Promise<void> => {
    while (credit === 0 && !cancelled) {
      const got = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), CREDIT_TIMEOUT_MS);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      wake = undefined;
      if (!got) throw new TimeoutError("stream caller stopped reading");
    }
  };

  let seq = 0;
  let count = 0;
  let chunk: unknown[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await waitForCredit();
    if (cancelled) return;
    credit--;
    seq++;
    request.respond(encodeJson(chunk), {
      headers: makeHeaders({ [H.streamSeq]: String(seq), [H.streamAck]: ackSubject }),
    });
    chunk = [];
    bytes = 0;
  };

  try {
    for await (const item of options.items) {
      if (cancelled || options.signal?.aborted) break;
      const value = options.check ? options.check(item) : item;
      chunk.push(value);
      bytes += JSON.stringify(value).length;
      count++;
      if (chunk.length >= CHUNK_ITEMS || bytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    if (!cancelled) {
      request.respond(encodeJson({ count }), {
        headers: makeHeaders({
          [H.streamSeq]: String(seq + 1),
          [H.streamEnd]: "1",
          [H.streamAck]: ackSubject,
        }),
      });
    }
    return count;
  } finally {
    acks.unsubscribe();
  }
}

export interface StreamCallArgs<C extends RpcContract> {
  readonly nc: NatsConnection;
  readonly caller: string;
  readonly contract: C;
  readonly input: RpcRequestInput<C>;
  readonly options: StreamCallOptions;
}

/** `streamCall` is the caller's side: an async iterable of chunks that grants credit as it is consumed. */
export async function* streamCall<C extends RpcContract>(
  args: StreamCallArgs<C>,
): AsyncGenerator<RpcResponse<C>[]> {
  const { nc, contract } = args;
  const window = Math.max(1, Math.min(64, args.options.window ?? 4));
  const timeoutMs = args.options.timeoutMs ?? contract.timeoutMs;
  // The caller's own inbox prefix: the broker delivers a service's replies nowhere else.
  const inbox = createInbox(inboxPrefix(args.caller));
  const sub = nc.subscribe(inbox);
  const iterator = sub[Symbol.asyncIterator]();
  const headers = outgoingHeaders(args.caller, contract, timeoutMs);
  headers.set(H.streamCredit, String(window));
  let ackSubject: string | undefined;
  let ended = false;

  const next = (): Promise<IteratorResult<Msg>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TimeoutError(`${contract.subject} sent nothing for ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onAbort = (): void => reject(new TimeoutError(`stream from ${contract.subject} aborted`));
      args.options.signal?.addEventListener("abort", onAbort, { once: true });
      iterator.next().then(
        (r) => {
          clearTimeout(timer);
          args.options.signal?.removeEventListener("abort", onAbort);
          resolve(r);
        },
        (err: unknown) => {
          clearTimeout(timer);
          args.options.signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });

  try {
    nc.publish(contract.subject, encodeJson(args.input), { reply: inbox, headers });
    for (;;) {
      const { value: msg, done } = await next();
      if (done) throw new UnavailableError(`stream from ${contract.subject} closed`);
      if (msg.headers?.code === 503 && msg.data.length === 0) {
        throw new UnavailableError(`no ${contract.service} instance is answering ${contract.subject}`);
      }
      if (isErrorReply(msg)) throw errorFromReply(msg, contract.subject);
      ackSubject = headerOf(msg.headers, H.streamAck) ?? ackSubject;
      if (headerOf(msg.headers, H.streamEnd)) {
        ended = true;
        return;
      }
      const items = decodeReply(msg.data, contract.subject);
      const chunk = (Array.isArray(items) ? items : []).map((item) => validateReply(contract, item));
      yield chunk;
      // The chunk was consumed: let the server send one more.
      if (ackSubject) nc.publish(ackSubject, encodeJson({ credit: 1 }));
    }
  } finally {
    if (!ended && ackSubject && !nc.isClosed()) nc.publish(ackSubject, encodeJson({ cancel: true }));
    sub.unsubscribe();
  }
}
