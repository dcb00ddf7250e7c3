/**
 * What `bazaar` exits with, so a script can tell "the system has a problem" from "I could not ask". Stable:
 * scripts depend on these numbers.
 */
export const EXIT = {
  /** Done, and what was asked about is healthy. */
  ok: 0,
  /** Done, and it found a problem: a service not ready, an item of a bulk run that failed, a failed rebuild. */
  problem: 1,
  /** The command line was wrong (unknown command or option, a missing argument). */
  usage: 2,
  /** The gateway refused who we are: no or a bad token, a wrong password, not an admin. */
  auth: 3,
  /** The gateway did not answer (not running, wrong URL, timed out). */
  unreachable: 4,
  /** The gateway answered with an error for this request (not found, conflict, rate-limited, a server error). */
  refused: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains in one message and ends with `code`. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}
