import { randomUUID } from "node:crypto";

/** A response as tests look at it: status, headers and the parsed body (JSON when it is JSON). */
export interface TestResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /** A JSON value to send, or a raw string (sent as is). */
  readonly body?: unknown;
  readonly method?: string;
  /**
   * A POST carries a fresh `Idempotency-Key`, as a well-behaved client sends one per operation: give one
   * to retry with it, or `false` to send none. (A key in `headers` wins.)
   */
  readonly idempotencyKey?: string | false;
}

/** `http` is a small client for the real gateway over real HTTP (fetch), as a browser or curl would call it. */
export function http(baseUrl: string) {
  async function request<T = Record<string, unknown>>(
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const method = options.method ?? (options.body === undefined ? "GET" : "POST");
    const hasKey = Object.keys(headers).some((name) => name.toLowerCase() === "idempotency-key");
    if (method === "POST" && !hasKey && options.idempotencyKey !== false)
      headers["Idempotency-Key"] = options.idempotencyKey ?? randomUUID();
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    request,
    get: <T = Record<string, unknown>>(path: string, options: Omit<RequestOptions, "body"> = {}) =>
      request<T>(path, { ...options, method: "GET" }),
    post: <T = Record<string, unknown>>(path: string, body?: unknown, options: RequestOptions = {}) =>
      request<T>(path, { ...options, method: "POST", ...(body === undefined ? {} : { body }) }),
  };
}

export type HttpClient = ReturnType<typeof http>;

/** `eventually` retries an assertion until it passes or `timeoutMs` runs out (read models lag a little). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
