import type { ErrorBody } from "@bazaar/contracts";
import { type AppError, errorFromBody } from "./app-error.js";

/**
 * What an idempotent command answered, kept with its attempt: a value, or a refusal. A refusal (out of
 * stock, a country not served) is stored in the same transaction as the attempt, so a repeat gets the same
 * answer; it must not be thrown inside that transaction (the throw would roll the record back), so it is
 * returned and thrown after the commit by `settled`.
 */
export type Outcome<T> = { readonly value: T } | { readonly refusal: ErrorBody };

/** `refuse` is the outcome of a command refused with this error, ready to store (`refusal` is JSON). */
export function refuse(error: AppError): { readonly refusal: ErrorBody } {
  return { refusal: error.toBody() };
}

/** `settled` returns the value of an outcome, or throws its refusal as the error it was. */
export function settled<T>(outcome: Outcome<T>): T {
  if ("refusal" in outcome) throw errorFromBody(outcome.refusal, outcome.refusal.message);
  return outcome.value;
}
