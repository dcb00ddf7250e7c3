import { randomUUID } from "node:crypto";
import type { RpcContract } from "@bazaar/contracts";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { AppError, InternalError, TimeoutError, UnavailableError } from "../errors/app-error.js";
import { parseOrThrow } from "../errors/validation.js";
import { storageErrorCode } from "../events/storage-errors.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import { H, headerOf } from "../nats/headers.js";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { parseTraceContext, runInScope, type Scope } from "../tracing/trace-context.js";
import { decodeRequest, encodeJson } from "./codec.js";
import type { InFlight } from "./in-flight.js";
import { type RpcTransport, rpcTransportMetrics } from "./transport-metrics.js";

/** One request as it arrived, whatever carried it: the wire bytes and headers. */
export interface IncomingRequest {
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly transport: RpcTransport;
}

/** Where the answer to one request goes. */
export interface Responder {
  respond(data: Uint8Array): void;
  respondError(err: AppError): void;
  /** Streams a streaming contract's items (only the NATS transport has it). */
  readonly stream?: (items: AsyncIterable<unknown>, check?: (item: unknown) => unknown) => Promise<void>;
}

export interface RequestServerOptions {
  readonly service: string;
  readonly contract: RpcContract;
  readonly handler: (input: unknown, ctx: unknown) => unknown;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly validateResponses: boolean;
  readonly inFlight: InFlight;
  readonly makeContext: (request: {
    scope: Scope;
    log: Logger;
    contract: RpcContract;
    input: unknown;
  }) => unknown;
  readonly clock: () => number;
  readonly telemetry?: Telemetry;
}

/** The reason of an UNAVAILABLE answer for a request that failed on the service's own storage. */
export const STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE";

/**
 * `createRequestServer` is what an endpoint runs per request, for every transport (NATS and in-process),
 * so both validate, time, trace, count and fail alike: it validates the request against the contract
 * (BAD_REQUEST lists paths, never values), runs the handler in the caller's trace, validates the response
 * outside production, and turns any throw, sync or async, into an error answer: typed errors keep their
 * code, anything else is INTERNAL with the trace id, logged with its cause. It never rejects.
 */
export function createRequestServer(
  o: RequestServerOptions,
): (req: IncomingRequest, out: Responder) => Promise<void> {
  const { contract, handler, metrics, inFlight, clock } = o;
  // One child logger per endpoint, not per request (a pino child with redaction is not free).
  const requestLog = o.log.child({ endpoint: contract.name });
  const transportMetrics = rpcTransportMetrics(metrics.registry);
  return async (req, out) => {
    const started = performance.now();
    const deadline = deadlineOf(req.headers, clock());
    const span = startSpan(o.telemetry ?? NO_TELEMETRY, {
      name: `process ${contract.subject}`,
      kind: SpanKind.SERVER,
      parent: parseTraceContext(headerOf(req.headers, H.traceparent), headerOf(req.headers, H.tracestate)),
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "messaging.destination.name": contract.subject,
        "rpc.system": "nats",
        "rpc.service": o.service,
        "rpc.method": contract.name,
        "bazaar.rpc.transport": req.transport,
      },
    });
    const scope: Scope = {
      trace: span.trace,
      requestId: headerOf(req.headers, H.requestId) ?? randomUUID(),
      idempotencyKey: headerOf(req.headers, H.idempotencyKey),
    };
    let code = "OK";
    let failure: AppError | undefined;
    inFlight.enter();
    try {
      await runInScope(scope, async () => {
        try {
          if (deadline !== undefined && clock() >= deadline)
            throw new TimeoutError("the caller stopped waiting before the request was served");
          const input = parseOrThrow(contract.request, decodeRequest(req.data));
          const ctx = o.makeContext({ scope, log: requestLog, contract, input });
          const result = await handler(input, ctx);
          if (contract.streaming) {
            if (!out.stream)
              throw new InternalError(`${contract.subject} streams: it is served over NATS only`);
            const check = o.validateResponses ? (item: unknown) => checkResponse(contract, item) : undefined;
            await out.stream(result as AsyncIterable<unknown>, check);
          } else {
            out.respond(encodeJson(o.validateResponses ? checkResponse(contract, result) : result));
          }
        } catch (err) {
          const appErr = asAppError(err, scope.trace.traceId);
          code = appErr.code;
          failure = appErr;
          if (appErr.code === "INTERNAL" || appErr.reason === STORAGE_UNAVAILABLE)
            requestLog.error({ err }, "request failed");
          else requestLog.debug({ code: appErr.code, msg: appErr.message }, "request refused");
          out.respondError(appErr);
        }
      });
    } finally {
      inFlight.leave();
      span.end(failure);
      metrics.rpcRequests.inc({ endpoint: contract.name, code });
      if (req.transport === "local") transportMetrics.localRequests.inc({ endpoint: contract.name, code });
      metrics.rpcDuration.observe({ endpoint: contract.name }, (performance.now() - started) / 1000);
    }
  };
}

/**
 * `deadlineOf` is when the caller stops waiting, on this process's clock: its remaining budget
 * (`Bazaar-Timeout-Ms`) added to the time the request arrived. Without the header there is no deadline.
 * The absolute `Bazaar-Deadline` of older callers is ignored on purpose: honouring it compares their clock
 * with ours (a callee 10 s ahead refused every call), while ignoring it only means a request they already
 * gave up on is served anyway, which commands' idempotency keys make harmless.
 */
function deadlineOf(headers: MsgHdrs | undefined, arrivedAt: number): number | undefined {
  const budget = headerOf(headers, H.timeoutMs);
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
