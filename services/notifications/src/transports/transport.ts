/** One message ready to leave: rendered, addressed, and with the id that makes a resend recognisable. */
export interface OutgoingMessage {
  readonly notificationId: string;
  /** The `Message-ID` header: the same on every attempt, so the receiving side can drop a resent copy. */
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  /** Plain text. */
  readonly body: string;
}

/**
 * A way to deliver messages. `send` resolves once the message is accepted (an SMTP server's 250) and
 * rejects otherwise; the dispatcher retries a rejected send, so an implementation need not.
 */
export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /** Releases connections on shutdown. */
  close?(): void | Promise<void>;
}

const DEFAULT_DOMAIN = "bazaar.local";

/**
 * `messageIdFor` is the `Message-ID` of a notification: derived from its id (itself derived from the
 * event), under the sender's domain, so it never changes between attempts.
 *
 * @example
 * messageIdFor("0b6e…", "Bazaar <no-reply@bazaar.local>"); // "<0b6e…@bazaar.local>"
 */
export function messageIdFor(notificationId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? DEFAULT_DOMAIN;
  return `<${notificationId}@${domain}>`;
}
