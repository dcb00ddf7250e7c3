/** An HTTP exchange's outcome: an answer, or the reason there was none. */
export type HttpResult =
  | { readonly kind: "answer"; readonly status: number; readonly body: unknown; readonly reason?: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "network"; readonly error: string };

export interface HttpRequest {
  readonly base: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: unknown;
  readonly token?: string;
  readonly idempotencyKey?: string;
  readonly timeoutMs: number;
}

function reasonOf(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const reason = (body as { reason?: unknown }).reason;
  return typeof reason === "string" ? reason : undefined;
}

/**
 * `send` makes one request and never throws: a connection refused or reset is `network`, no answer within
 * `timeoutMs` is `timeout` (the request may still have run: that is what idempotency keys are for).
 */
export async function send(request: HttpRequest): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.idempotencyKey) headers["idempotency-key"] = request.idempotencyKey;
  try {
    const response = await fetch(`${request.base}${request.path}`, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's page, say): kept as text.
    }
    const reason = reasonOf(body);
    return reason
      ? { kind: "answer", status: response.status, body, reason }
      : { kind: "answer", status: response.status, body };
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { kind: "timeout" };
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return { kind: "network", error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}
