/**
 * One line of a run's history (JSON lines, `history.jsonl`). The client writes what it sent and what it
 * got back, the harness what it did to the system; the checker reads nothing else from the run itself.
 * `t` is the harness's clock in ms since the epoch (never a service's, which a scenario may skew).
 */

/** What the client meant an order to be, which decides the outcome it must end with. */
export type OrderKind =
  /** Valid card, ample stock, supported country: must be confirmed, whatever the faults. */
  | "good"
  /** `tok_chargeDeclined`: must be cancelled, "payment declined". */
  | "declined"
  /** Country AQ: charged, then refunded and cancelled. */
  | "unsupported-country"
  /** A product with a few units: confirmed while they last, then cancelled "out of stock". */
  | "scarce"
  /** A good order the client cancels once it is accepted: cancelled, or confirmed if it shipped first. */
  | "cancelled-by-client";

export type Operation = "register" | "login" | "create-product" | "restock" | "place" | "cancel" | "read";

/** An attempt's outcome: the HTTP status, or why there was none. */
export type AttemptResult = number | "timeout" | "network";

export interface LineItem {
  readonly sku: string;
  readonly quantity: number;
}

export type HistoryEntry =
  | { readonly t: number; readonly type: "scenario"; readonly name: string; readonly params: unknown }
  | { readonly t: number; readonly type: "user"; readonly userId: string; readonly email: string }
  | {
      readonly t: number;
      readonly type: "product";
      readonly sku: string;
      /** Units added by this acknowledged create or restock. */
      readonly units: number;
      readonly key: string;
    }
  | {
      readonly t: number;
      readonly type: "intent";
      readonly key: string;
      readonly userId: string;
      readonly kind: OrderKind;
      readonly items: readonly LineItem[];
      readonly token: string;
      readonly country: string;
    }
  | {
      readonly t: number;
      readonly type: "attempt";
      readonly op: Operation;
      readonly key: string;
      readonly n: number;
      readonly result: AttemptResult;
      /** The problem's `reason`, when the answer was an error with one. */
      readonly reason?: string;
      readonly ms: number;
    }
  | { readonly t: number; readonly type: "ack"; readonly key: string; readonly orderId: string }
  | {
      readonly t: number;
      readonly type: "refused";
      readonly op: Operation;
      readonly key: string;
      readonly status: number;
      readonly reason?: string;
    }
  | {
      readonly t: number;
      readonly type: "gave-up";
      readonly op: Operation;
      readonly key: string;
      readonly attempts: number;
    }
  | {
      readonly t: number;
      readonly type: "cancel-answer";
      readonly orderId: string;
      /** 202 (accepted) or 409 (too late: it shipped). */
      readonly status: number;
    }
  | {
      readonly t: number;
      readonly type: "observe";
      readonly orderId: string;
      readonly status: string;
      readonly cancelReason: string | null;
    }
  | {
      readonly t: number;
      readonly type: "fault";
      readonly fault: string;
      /** `start` breaks something, `heal` puts it right; recovery is measured from the last heal. */
      readonly action: "start" | "heal" | "note";
      readonly target?: string;
      readonly detail?: string;
    }
  | { readonly t: number; readonly type: "load"; readonly action: "start" | "stop" }
  | {
      /** A service exited by itself (the harness neither killed nor stopped it); the harness restarts it. */
      readonly t: number;
      readonly type: "exit";
      readonly service: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly tail: string;
    }
  | {
      readonly t: number;
      readonly type: "poison";
      readonly stream: string;
      readonly subject: string;
      readonly seq: number;
      readonly variant: "not-json" | "not-an-envelope" | "invalid-data";
    };

export type HistoryEntryType = HistoryEntry["type"];
export type EntryOf<T extends HistoryEntryType> = Extract<HistoryEntry, { type: T }>;
