// The parts of the gateway's admin API the CLI reads (its OpenAPI document at /docs has them all). Sagas
// and the read model are typed by their contracts; the rest is the gateway's own.
import type { orders, orderViews } from "@bazaar/contracts";

export type Saga = orders.Saga;
/** A saga as lists show it: no steps or history, the step it is at. */
export type SagaSummary = Omit<Saga, "steps" | "history"> & { readonly currentStep: string | null };
export type RebuildStatus = orderViews.RebuildStatus;

/** An `application/problem+json` answer. */
export interface Problem {
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
}

export interface CheckResult {
  readonly status?: string;
  readonly output?: string;
}

export interface SystemHealth {
  readonly status: "pass" | "fail";
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly status: "pass" | "fail";
    readonly instances: ReadonlyArray<{
      readonly instance: string;
      readonly version: string;
      readonly status: "pass" | "fail";
      readonly checks: Readonly<Record<string, unknown>>;
    }>;
  }>;
}

export interface DeadLetter {
  readonly id: number;
  readonly service: string;
  readonly consumer: string;
  readonly stream: string;
  readonly subject: string;
  readonly sequence: number;
  readonly deliveries: number;
  readonly reason: string;
  readonly error: string;
  readonly failedAt: string;
  readonly eventId?: string;
  readonly eventType?: string;
  readonly payload: unknown;
}

export interface ReplayResult {
  readonly id: number;
  readonly subject: string;
  readonly eventId?: string;
  readonly streamSeq: number;
}

export interface StreamView {
  readonly name: string;
  readonly description: string;
  readonly subjects: readonly string[];
  readonly messages: number;
  readonly bytes: number;
  readonly first_seq: number;
  readonly last_seq: number;
  readonly consumers: ReadonlyArray<{
    readonly name: string;
    readonly num_pending: number;
    readonly num_ack_pending: number;
    readonly num_redelivered: number;
  }>;
}
