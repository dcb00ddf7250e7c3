import { EnvelopeHeader, findEvent } from "@bazaar/contracts";
import * as v from "valibot";
import { UnprocessableError } from "../errors/app-error.js";
import { parseOrThrow } from "../errors/validation.js";
import type { DeadLetter } from "./dead-letter-decode.js";
import { envelopeValidator } from "./envelope.js";

/**
 * `editedEnvelope` is a dead letter's event with new `data`, checked against the event's contract: the
 * envelope keeps its id (so the consumer's inbox still recognises the event), type, version, time, source
 * and trace. A dead letter that is not a known event's envelope cannot be edited (UNPROCESSABLE); data that
 * does not fit the contract is a BAD_REQUEST listing field paths (`data.…`), never values.
 */
export function editedEnvelope(letter: DeadLetter, data: unknown): Record<string, unknown> {
  const header = v.safeParse(EnvelopeHeader, letter.payload);
  if (!header.success)
    throw new UnprocessableError(
      `dead letter ${letter.id} is not an event envelope, so it cannot be edited`,
      {
        reason: "NOT_AN_EVENT",
      },
    );
  const event = findEvent(header.output.type, header.output.version);
  if (!event)
    throw new UnprocessableError(`dead letter ${letter.id} is an event no contract declares`, {
      reason: "NOT_AN_EVENT",
    });
  const candidate = { ...(letter.payload as Record<string, unknown>), data };
  return parseOrThrow(envelopeValidator(event), candidate, "event") as Record<string, unknown>;
}
