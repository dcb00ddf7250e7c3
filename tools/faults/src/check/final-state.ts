import type { OrderFact, ReportColumn } from "../invariants/service-invariant.js";

/**
 * What the system holds at the end of a run, collected through its public API, its streams and its
 * SQLite files (read-only). Plain data: written next to the history as `final-state.json`, and what the
 * checker's tests build by hand.
 */
export interface FinalState {
  /** Harness clock when collection finished. */
  readonly collectedAt: number;
  /** Every order the write side knows (orders, through `GET /api/orders/:id`). */
  readonly orders: readonly OrderFact[];
  /** The read model's rows for every user the run knows (`GET /api/my-orders`). */
  readonly views: readonly OrderViewState[];
  readonly products: readonly ProductState[];
  readonly streams: readonly StreamState[];
  readonly consumers: readonly ConsumerState[];
  readonly deadLetters: readonly DeadLetterState[];
  /** Order ids named by an `ops.alert` (read from the OPS stream). */
  readonly alertedOrders: readonly string[];
  readonly stores: readonly StoreState[];
  /** What the services' own invariants found (`services/<name>/src/invariants.ts`). */
  readonly serviceFindings: readonly ServiceFinding[];
  /** Anything that could not be collected: each is a violation, since it hides the state it stands for. */
  readonly gaps: readonly string[];
}

export interface OrderViewState {
  readonly orderId: string;
  readonly userId: string;
  readonly status: string;
  readonly paymentStatus: string;
  readonly trackingNumber: string | null;
  readonly cancelReason: string | null;
  readonly totalCents: number | null;
}

export interface ProductState {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
}

export interface StreamMessageState {
  readonly seq: number;
  readonly subject: string;
  /** The envelope's `id`; null when the message is not an event envelope. */
  readonly eventId: string | null;
}

export interface StreamState {
  readonly name: string;
  readonly messages: readonly StreamMessageState[];
}

export interface ConsumerState {
  readonly stream: string;
  readonly name: string;
  readonly filterSubject: string;
  /** Messages not yet delivered, and delivered but not acknowledged. */
  readonly pending: number;
  readonly ackPending: number;
}

export interface DeadLetterState {
  readonly seq: number;
  readonly originStream: string;
  readonly originSeq: number;
  readonly consumer: string;
  readonly reason: string;
}

export interface StoreState {
  readonly service: string;
  readonly file: string;
  /** `PRAGMA integrity_check` rows: `["ok"]` when sound. */
  readonly integrity: readonly string[];
  readonly outboxUnpublished: number;
  readonly outboxParked: number;
  /** Events the outbox marked published, which must each be in their stream exactly once. */
  readonly publishedEvents: ReadonlyArray<{ readonly eventId: string; readonly subject: string }>;
}

export interface ServiceFinding {
  readonly service: string;
  readonly invariant: string;
  readonly counts?: ReportColumn;
  readonly subject: string;
  readonly message: string;
}
