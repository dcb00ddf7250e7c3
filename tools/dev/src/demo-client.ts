/** A small JSON client for the public API, as any HTTP client would use it. */
export class DemoClient {
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }

  get(path: string) {
    return this.request("GET", path);
  }

  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, body, headers);
  }

  /** Polls a GET until `done(body)` holds (the saga and the read model settle asynchronously). */
  async waitFor(path: string, done: (body: unknown) => boolean, timeoutMs = 30_000): Promise<unknown> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.get(path);
      if (res.status === 200 && done(res.body)) return res.body;
      if (Date.now() > until)
        throw new Error(
          `GET ${path} did not settle in ${timeoutMs} ms (last: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
