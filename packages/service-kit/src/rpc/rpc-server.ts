import { randomUUID } from "node:crypto";
import type { RpcContract } from "@bazaar/contracts";
import { type Service, type ServiceMsg, Svcm } from "@nats-io/services";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { AppError, InternalError, TimeoutError, UnavailableError } from "../errors/app-error.js";
import { parseOrThrow } from "../errors/validation.js";
import { storageErrorCode } from "../events/storage-errors.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import { H, headerOf, makeHeaders } from "../nats/headers.js";
import { streamCreditPrefix } from "../permissions/inbox-prefix.js";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { parseTraceContext, runInScope, type Scope } from "../tracing/trace-context.js";
import { decodeRequest, encodeJson } from "./codec.js";
import type { InFlight } from "./in-flight.js";
import { serveStream } from "./rpc-stream.js";

/** The queue group every instance of a service answers its RPCs in (`nats micro` expects `q`). */
export const RPC_QUEUE = "q";

/** A served endpoint: the contract and the function that answers it. */
export interface RpcEndpoint {
  readonly contract: RpcContract;
  /** Returns the response, or for a streaming contract an (async) iterable of items. */
  readonly handler: (input: never, ctx: never) => unknown;
}

export interface RpcServerOptions {
  readonly nc: NatsConnection;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly metadata: Record<string, string>;
  readonly endpoints: readonly RpcEndpoint[];
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly validateResponses: boolean;
  readonly inFlight: InFlight;
  /** Builds the handler context for one request. */
  readonly makeContext: (request: {
    scope: Scope;
    log: Logger;
    contract: RpcContract;
    input: unknown;
  }) => unknown;
  /** Queue group: instances of a service share the load (default "q", as `nats micro` expects). */
  readonly queue?: string;
  /** This process's clock in epoch ms (default `Date.now`); tests give it a skew. */
  readonly clock?: () => number;
  /** A span per request (default: none). */
  readonly telemetry?: Telemetry;
}

export interface RpcServer {
  readonly service: Service;
  /** Stop taking requests (in-flight ones finish; see `InFlight`). */
  stop(): Promise<void>;
}

/**
 * `replyError` answers with the one wire form of an error: `Nats-Service-Error-Code` (the HTTP status),
 * `Nats-Service-Error` (the message), `Bazaar-Error-Code` (the code) and the JSON error body.
 */
export function replyError(msg: ServiceMsg, err: AppError): void {
  msg.respondError(err.status, err.message, encodeJson(err.toBody()), {
    headers: makeHeaders({ [H.errorCode]: err.code }),
  });
}

/**
 * `startRpcServer` registers the service with the NATS services API (so `nats micro ls/info/stats` see
 * it) and answers each endpoint: it validates the request against the contract (BAD_REQUEST lists paths,
 * never values), runs the handler in the caller's trace, validates the response outside production, and
 * turns any throw, sync or async, into a reply: typed errors keep their code, anything else is INTERNAL
 * with the trace id, logged with its cause. The process never crashes on a handler error.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { nc, log, metrics, inFlight, clock = Date.now } = options;
  const service = await new Svcm(nc).add({
    name: options.name,
    version: options.version,
    description: options.description,
    metadata: options.metadata,
    queue: options.queue ?? RPC_QUEUE,
  });

  for (const endpoint of options.endpoints) {
    const { contract } = endpoint;
    const handler = endpoint.handler as (input: unknown, ctx: unknown) => unknown;
    // One child logger per endpoint, not per request (a pino child with redaction is not free).
    const requestLog = log.child({ endpoint: contract.name });
    const dispatch = async (msg: ServiceMsg): Promise<void> => {
      const started = performance.now();
      const deadline = deadlineOf(msg, clock());
      const span = startSpan(options.telemetry ?? NO_TELEMETRY, {
        name: `process ${contract.subject}`,
        kind: SpanKind.SERVER,
        parent: parseTraceContext(headerOf(msg.headers, H.traceparent), headerOf(msg.headers, H.tracestate)),
        attributes: {
          "messaging.system": "nats",
          "messaging.operation.type": "process",
          "messaging.destination.name": contract.subject,
          "rpc.system": "nats",
          "rpc.service": options.name,
          "rpc.method": contract.name,
        },
      });
      const scope: Scope = {
        trace: span.trace,
        requestId: headerOf(msg.headers, H.requestId) ?? randomUUID(),
        idempotencyKey: headerOf(msg.headers, H.idempotencyKey),
      };
      let code = "OK";
      let failure: AppError | undefined;
      inFlight.enter();
      try {
        await runInScope(scope, async () => {
          try {
            if (deadline !== undefined && clock() >= deadline)
              throw new TimeoutError("the caller stopped waiting before the request was served");
            const input = parseOrThrow(contract.request, decodeRequest(msg.data));
            const ctx = options.makeContext({ scope, log: requestLog, contract, input });
            const result = await handler(input, ctx);
            if (contract.streaming) {
              const check = options.validateResponses
                ? (item: unknown) => checkResponse(contract, item)
                : undefined;
              await serveStream({
                nc,
                request: msg,
                creditPrefix: streamCreditPrefix(options.name),
                items: result as AsyncIterable<unknown>,
                ...(check ? { check } : {}),
              });
            } else {
              msg.respond(encodeJson(options.validateResponses ? checkResponse(contract, result) : result));
            }
          } catch (err) {
            const appErr = asAppError(err, scope.trace.traceId);
            code = appErr.code;
            failure = appErr;
            if (appErr.code === "INTERNAL" || appErr.reason === STORAGE_UNAVAILABLE)
              requestLog.error({ err }, "request failed");
            else requestLog.debug({ code: appErr.code, msg: appErr.message }, "request refused");
            replyError(msg, appErr);
          }
        });
      } finally {
        inFlight.leave();
        span.end(failure);
        metrics.rpcRequests.inc({ endpoint: contract.name, code });
        metrics.rpcDuration.observe({ endpoint: contract.name }, (performance.now() - started) / 1000);
      }
    };

    service.addEndpoint(contract.name, {
      subject: contract.subject,
      metadata: {
        description: contract.description,
        command: String(contract.command),
        streaming: String(contract.streaming),
      },
      handler: (err, msg) => {
        if (err) {
          log.error({ err, endpoint: contract.name }, "endpoint subscription failed");
          return;
        }
        // dispatch never rejects; the services API (patched) times the returned promise for its stats.
        return dispatch(msg);
      },
    });
  }

  // The endpoints' subscriptions reach the server before the service counts as started, so a caller
  // that is already connected cannot get "no responders" right after start.
  await nc.flush();
  return {
    service,
    async stop() {
      if (!service.isStopped) await service.stop();
    },
  };
}

/**
 * `deadlineOf` is when the caller stops waiting, on this process's clock: its remaining budget
 * (`Bazaar-Timeout-Ms`) added to the time the request arrived. Without the header there is no deadline.
 * The absolute `Bazaar-Deadline` of older callers is ignored on purpose: honouring it compares their clock
 * with ours (a callee 10 s ahead refused every call), while ignoring it only means a request they already
 * gave up on is served anyway, which commands' idempotency keys make harmless.
 */
function deadlineOf(msg: ServiceMsg, arrivedAt: number): number | undefined {
  const budget = headerOf(msg.headers, H.timeoutMs);
  // A negative budget (a caller already past its own deadline) is as exhausted as 0.
  if (budget === undefined || !/^-?\d+$/.test(budget)) return undefined;
  return arrivedAt + Number(budget);
}

function checkResponse(contract: RpcContract, value: unknown): unknown {
  try {
    return parseOrThrow(contract.response, value, "response");
  } catch (err) {
    throw new InternalError(`response of ${contract.subject} violates its contract`, { cause: err });
  }
}

/** The reason of an UNAVAILABLE answer for a request that failed on the service's own storage. */
export const STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE";

/**
 * `asAppError` is what a caller is told of a handler's failure. A storage failure (a full disk, a read-only
 * or locked file) committed nothing and says nothing about the request, so it is UNAVAILABLE: a caller
 * retries it (the saga within its step budget) instead of taking it for a refusal or a bug. Anything else
 * that is not typed is INTERNAL, with the trace id and no internals.
 */
function asAppError(err: unknown, traceId: string): AppError {
  if (err instanceof AppError) return err;
  const storage = storageErrorCode(err);
  if (storage)
    return new UnavailableError(`the service's storage is unavailable (${storage}); retry`, {
      cause: err,
      reason: STORAGE_UNAVAILABLE,
    });
  return new InternalError(`internal error (trace ${traceId})`, { cause: err });
}
