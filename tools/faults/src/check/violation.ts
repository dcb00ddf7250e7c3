import type { ReportColumn } from "../invariants/service-invariant.js";

/** One broken promise: which invariant, about what (an order id, a SKU, a stream sequence), and how. */
export interface Violation {
  readonly invariant: string;
  readonly subject: string;
  readonly message: string;
  /** The report column it counts in, if any (distinct subjects are counted). */
  readonly counts?: ReportColumn | "lost";
}

/** `violation` builds one, leaving `counts` out when there is none (exact optional types). */
export function violation(
  invariant: string,
  subject: string,
  message: string,
  counts?: Violation["counts"],
): Violation {
  return counts ? { invariant, subject, message, counts } : { invariant, subject, message };
}
