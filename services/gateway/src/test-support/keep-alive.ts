import { Agent, request } from "node:http";

export interface KeepAliveResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * `keepAliveClient` sends requests over one kept-alive socket (node's `http.Agent` with `keepAlive` and a
 * single socket), as a real HTTP client pool does, so a test can see what a response does to the next
 * request on the same connection. `app.request()` has no connection to see it with.
 */
export function keepAliveClient(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  function send(
    method: string,
    path: string,
    /** A string body is sent with its length; chunks are sent chunked (no length, as a stream is). */
    options: { headers?: Record<string, string>; body?: string | readonly Buffer[] } = {},
  ): Promise<KeepAliveResponse> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, baseUrl), { method, agent, headers: options.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.on("socket", (socket) => sockets.add(socket));
      req.on("error", reject);
      if (typeof options.body === "string") req.setHeader("content-length", Buffer.byteLength(options.body));
      if (typeof options.body === "string") req.write(options.body);
      else for (const chunk of options.body ?? []) req.write(chunk);
      req.end();
    });
  }
  return {
    send,
    /** How many sockets the requests so far used. */
    socketsUsed: () => sockets.size,
    close: () => agent.destroy(),
  };
}
