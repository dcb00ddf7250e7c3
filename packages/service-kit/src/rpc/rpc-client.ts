import { randomUUID } from "node:crypto";
import {
  partitionSubject,
  type RpcContract,
  type RpcRequestInput,
  type RpcResponse,
} from "@bazaar/contracts";
import { type NatsConnection, errors as natsErrors } from "@nats-io/transport-node";
import { AppError, TimeoutError, UnavailableError } from "../errors/app-error.js";
import { parseOrThrow } from "../errors/validation.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import { routeSubject } from "../partitions/route-subject.js";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { currentScope } from "../tracing/trace-context.js";
import { decodeReply, encodeJson, errorFromReply, isErrorReply, type WireReply } from "./codec.js";
import { gatherAnswers } from "./gather-answers.js";
import { requestLocally } from "./local-dispatch.js";
import type { LocalRpcRegistry } from "./local-registry.js";
import { outgoingHeaders, validateReply } from "./outgoing.js";
import { type StreamCallOptions, streamCall } from "./rpc-stream.js";
import { rpcTransportMetrics } from "./transport-metrics.js";

export interface CallOptions {
  /** Default: the contract's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Aborting stops waiting (the server may still run the request: commands are idempotent). */
  readonly signal?: AbortSignal;
  /** For commands; default: a fresh key per call. Retries of the same intent must reuse the key. */
  readonly idempotencyKey?: string;
}

export interface RpcClientOptions {
  readonly nc: NatsConnection;
  /** The calling service's name, sent as `Bazaar-Caller`. */
  readonly caller: string;
  /** False while the connection is down: calls fail fast with UNAVAILABLE instead of timing out. */
  readonly connected?: () => boolean;
  readonly metrics?: ServiceMetrics;
  /** Refuses contracts the caller did not declare (throws). */
  readonly guard?: (contract: RpcContract) => void;
  /** A client span per call (default: none). */
  readonly telemetry?: Telemetry;
  /**
   * Calls a contract served in this process (on the same broker server) directly, with the same bytes,
   * headers, checks and errors as over NATS (default: always NATS). Streaming calls always use NATS.
   */
  readonly local?: LocalRpcRegistry;
  /**
   * The system's partition count (`PARTITIONS`): a call to a partitioned contract goes to the owner of its
   * key's partition. Default 1: every call goes to the contract's own subject.
   */
  readonly partitions?: number;
}

/** Typed request-reply over NATS. */
export interface RpcClient {
  call<C extends RpcContract>(
    contract: C,
    input: RpcRequestInput<C>,
    options?: CallOptions,
  ): Promise<RpcResponse<C>>;
  /** A streaming call: iterate over chunks of items. */
  stream<C extends RpcContract>(
    contract: C,
    input: RpcRequestInput<C>,
    options?: StreamCallOptions,
  ): AsyncIterable<RpcResponse<C>[]>;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, subject: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted)
    return Promise.reject(new TimeoutError(`call to ${subject} aborted`, { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(new TimeoutError(`call to ${subject} aborted`, { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/**
 * The reason of an UNAVAILABLE error for a call that failed while this process's broker connection was
 * down: it was never sent, or it was sent just before the connection dropped and its answer could not come
 * back (a command then retries with its idempotency key).
 */
export const BROKER_DOWN = "BROKER_DOWN";

/**
 * `isBrokerDown` says whether a call failed because the broker connection was down: nothing the callee
 * did or said, so a retry loop need not spend its budget on it.
 */
export function isBrokerDown(err: unknown): boolean {
  return err instanceof UnavailableError && err.reason === BROKER_DOWN;
}

/** `translateNatsError` maps transport failures onto the closed error set. */
export function translateNatsError(err: unknown, contract: RpcContract, timeoutMs: number): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof natsErrors.RequestError && err.isNoResponders()) {
    return new UnavailableError(`no ${contract.service} instance is answering ${contract.subject}`, {
      cause: err,
    });
  }
  if (err instanceof natsErrors.NoRespondersError) {
    return new UnavailableError(`no ${contract.service} instance is answering ${contract.subject}`, {
      cause: err,
    });
  }
  if (err instanceof natsErrors.TimeoutError) {
    return new TimeoutError(`${contract.subject} did not answer within ${timeoutMs} ms`, { cause: err });
  }
  if (err instanceof natsErrors.ClosedConnectionError || err instanceof natsErrors.DrainingConnectionError) {
    return new UnavailableError("the NATS connection is closed", { cause: err, reason: BROKER_DOWN });
  }
  return new UnavailableError(`call to ${contract.subject} failed`, { cause: err });
}

/**
 * `createRpcClient` makes typed calls: it validates the input before sending, propagates trace context,
 * request id and idempotency key in headers, and turns every outcome into the typed response or an
 * `AppError`: the remote error with its code, UNAVAILABLE for no responders, TIMEOUT for no answer in time.
 */
export function createRpcClient(options: RpcClientOptions): RpcClient {
  const { nc, caller, metrics } = options;
  const transportMetrics = metrics ? rpcTransportMetrics(metrics.registry) : undefined;
  const count = (subject: string, code: string, local = false): void => {
    metrics?.rpcCalls.inc({ subject, code });
    if (local) transportMetrics?.localCalls.inc({ subject, code });
  };

  // One call to one subject: the contract's, its key's partition's, or one of a gathered call's.
  const callOne = async <C extends RpcContract>(
    contract: C,
    input: RpcRequestInput<C>,
    target: string,
    callOptions: CallOptions,
  ): Promise<RpcResponse<C>> => {
    const timeoutMs = callOptions.timeoutMs ?? contract.timeoutMs;
    if (options.connected && !options.connected()) {
      count(contract.subject, "UNAVAILABLE");
      throw new UnavailableError(`cannot call ${contract.subject}: the NATS connection is down`, {
        reason: BROKER_DOWN,
      });
    }
    const endpoint = contract.streaming
      ? undefined
      : options.local?.find(target, nc.isClosed() ? undefined : nc.info?.server_id);
    const send = async (headers: ReturnType<typeof outgoingHeaders>) => {
      let reply: WireReply;
      // Local until the endpoint declines (its service began stopping since the lookup).
      let local = endpoint !== undefined;
      try {
        const data = encodeJson(input);
        const answer = endpoint
          ? await abortable(
              requestLocally({ endpoint, subject: target, data, headers, timeoutMs }),
              callOptions.signal,
              contract.subject,
            )
          : undefined;
        if (answer === undefined) local = false;
        reply =
          answer ??
          (await abortable(
            nc.request(target, data, { timeout: timeoutMs, headers }),
            callOptions.signal,
            contract.subject,
          ));
      } catch (err) {
        let appErr = translateNatsError(err, contract, timeoutMs);
        // The connection dropped while the call waited: its timeout says nothing about the callee.
        if (appErr.code === "TIMEOUT" && options.connected && !options.connected())
          appErr = new UnavailableError(`call to ${contract.subject} lost: the NATS connection is down`, {
            cause: appErr,
            reason: BROKER_DOWN,
          });
        count(contract.subject, appErr.code, local);
        throw appErr;
      }
      if (reply.headers?.code === 503 && reply.data.length === 0) {
        count(contract.subject, "UNAVAILABLE", local);
        throw new UnavailableError(`no ${contract.service} instance is answering ${contract.subject}`);
      }
      if (isErrorReply(reply)) {
        const err = errorFromReply(reply, contract.subject);
        count(contract.subject, err.code, local);
        throw err;
      }
      const value = validateReply(contract, decodeReply(reply.data, contract.subject));
      count(contract.subject, "OK", local);
      return value;
    };
    const span = startSpan(options.telemetry ?? NO_TELEMETRY, {
      name: `send ${contract.subject}`,
      kind: SpanKind.CLIENT,
      parent: currentScope()?.trace,
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.type": "send",
        "messaging.destination.name": target,
        "rpc.system": "nats",
        "rpc.service": contract.service,
        "rpc.method": contract.name,
        "bazaar.rpc.transport": endpoint ? "local" : "nats",
      },
    });
    const headers = outgoingHeaders(caller, contract, timeoutMs, callOptions.idempotencyKey, span.trace);
    const t0 = performance.now();
    try {
      const value = await send(headers);
      span.end();
      return value;
    } catch (err) {
      span.end(err);
      throw err;
    } finally {
      metrics?.rpcCallDuration.observe({ subject: contract.subject }, (performance.now() - t0) / 1000);
    }
  };

  return {
    async call(contract, input, callOptions = {}) {
      options.guard?.(contract);
      const parsed = parseOrThrow(contract.request, input, `request to ${contract.subject}`);
      const partitions = options.partitions ?? 1;
      if (!contract.gather || partitions <= 1)
        return callOne(contract, input, routeSubject(contract, parsed, partitions), callOptions);
      // Every partition answers; a command's partitions share one idempotency key (one intent).
      const shared = contract.command
        ? { ...callOptions, idempotencyKey: callOptions.idempotencyKey ?? randomUUID() }
        : callOptions;
      const answers = await Promise.all(
        Array.from({ length: partitions }, (_, p) =>
          callOne(contract, input, partitionSubject(contract, p), shared),
        ),
      );
      return gatherAnswers(contract, answers, parsed) as RpcResponse<typeof contract>;
    },

    stream(contract, input, streamOptions = {}) {
      options.guard?.(contract);
      parseOrThrow(contract.request, input, `request to ${contract.subject}`);
      return streamCall({ nc, caller, contract, input, options: streamOptions });
    },
  };
}
