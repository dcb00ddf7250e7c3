import type { OrderMix } from "../client/order-mix.js";
import type { Fault } from "../faults/fault.js";

/** The load a scenario runs its fault under. */
export interface LoadSettings {
  readonly ratePerSecond: number;
  readonly durationMs: number;
  /** Customers placing orders (one of them the seeded demo customer). */
  readonly customers: number;
  readonly mix: OrderMix;
  readonly scarceStock: number;
  readonly restockEveryMs: number;
  readonly restockUnits: number;
  /** Orders waiting for their first answer at most (see `startLoad`). */
  readonly maxInFlight: number;
  /** The careful client's longest wait between two attempts. */
  readonly backoffMaxMs: number;
}

/** One run of the system under one fault, judged on its own. */
export interface Scenario {
  readonly name: string;
  readonly fault: Fault;
  readonly load: LoadSettings;
  /** After the load and the fault, how long the client keeps retrying and following orders. */
  readonly settleMs: number;
  /** How long an acknowledged order may take to be final, from its acknowledgement or the last heal. */
  readonly terminalBoundMs: number;
  /** How long to wait for the system to be quiet (outboxes drained, consumers caught up) before checking. */
  readonly quietTimeoutMs: number;
  readonly seed: number;
}
