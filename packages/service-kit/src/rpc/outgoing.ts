import { randomUUID } from "node:crypto";
import type { RpcContract, RpcResponse } from "@bazaar/contracts";
import * as v from "valibot";
import { InternalError } from "../errors/app-error.js";
import { toIssues } from "../errors/validation.js";
import { H, makeHeaders } from "../nats/headers.js";
import {
  childSpan,
  currentScope,
  formatTraceparent,
  newTrace,
  type TraceContext,
} from "../tracing/trace-context.js";

/**
 * The headers every outgoing call carries: the call's own span in the current trace (`traceparent`, and
 * `tracestate` when the trace has one), request id, caller, budget and idempotency key.
 */
export function outgoingHeaders(
  caller: string,
  contract: RpcContract,
  timeoutMs: number,
  idempotencyKey?: string,
  trace?: TraceContext,
) {
  const scope = currentScope();
  const sent = trace ?? (scope ? childSpan(scope.trace) : newTrace());
  return makeHeaders({
    [H.traceparent]: formatTraceparent(sent),
    [H.tracestate]: sent.traceState,
    [H.requestId]: scope?.requestId,
    [H.caller]: caller,
    // The budget, not a point in time: the callee turns it into a deadline on its own clock.
    [H.timeoutMs]: String(Math.max(0, Math.floor(timeoutMs))),
    [H.idempotencyKey]: contract.command ? (idempotencyKey ?? randomUUID()) : undefined,
  });
}

/** `validateReply` checks a reply against the contract; a mismatch is the server's bug, reported as INTERNAL. */
export function validateReply<C extends RpcContract>(contract: C, value: unknown): RpcResponse<C> {
  const result = v.safeParse(contract.response, value);
  if (result.success) return result.output as RpcResponse<C>;
  const first = toIssues(result.issues)[0];
  throw new InternalError(
    `reply from ${contract.subject} violates its contract (${first?.path}: ${first?.message})`,
  );
}
