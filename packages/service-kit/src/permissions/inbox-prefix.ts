/**
 * `inboxPrefix` is where a service's replies arrive: `_INBOX_<service>` instead of the shared `_INBOX`, so
 * the broker can let each service subscribe to its own replies only (nats.js `inboxPrefix` option).
 */
export function inboxPrefix(service: string): string {
  return `_INBOX_${service}`;
}

/**
 * `streamCreditPrefix` is where a streaming call's server hears its caller's credit (`<inbox>.credit.<id>`).
 * It sits under the server's inbox but apart from its replies (whose second token is a 22-character id),
 * so a caller may be allowed to publish credit without being able to forge the server's replies.
 */
export function streamCreditPrefix(service: string): string {
  return `${inboxPrefix(service)}.credit`;
}
