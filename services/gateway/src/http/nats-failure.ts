import { AppError, UnavailableError } from "@bazaar/service-kit/platform";

/**
 * `natsFailure` names a failed JetStream or discovery request for the client: typed errors (a dead letter
 * that is not there) pass through; anything else means NATS could not answer, a 503 (the cause is logged).
 */
export function natsFailure(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  return new UnavailableError(`${what}: NATS did not answer`, { cause: err });
}
