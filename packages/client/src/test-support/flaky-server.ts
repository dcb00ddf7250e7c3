import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server does with one request. */
export type Behaviour =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  /** Answer only after `ms` (an attempt timeout shorter than it aborts first). */
  | { readonly delayMs: number; readonly status: number; readonly body?: unknown }
  /** Send the status and headers at once, the body `ms` later (a stream that takes its time). */
  | { readonly slowBodyMs: number; readonly status: number; readonly body?: unknown }
  /** Drop the connection without an answer: a network error for the client. */
  | { readonly reset: true };

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FlakyServer {
  readonly url: string;
  /** Every request received, in order. */
  readonly received: Received[];
  /** The behaviours of the next requests, in order; after them, 200 `{"ok":true}`. */
  script(...next: Behaviour[]): void;
  close(): Promise<void>;
}

/**
 * `startFlakyServer` is a real HTTP server on a free port that answers as a test scripts it: errors,
 * slow answers, dropped connections. It stands in for a gateway having a bad moment.
 */
export async function startFlakyServer(): Promise<FlakyServer> {
  const received: Received[] = [];
  let queue: Behaviour[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    });
    const next = queue.shift() ?? { status: 200, body: { ok: true } };
    if ("reset" in next) {
      req.socket.destroy();
      return;
    }
    if ("delayMs" in next) await new Promise((r) => setTimeout(r, next.delayMs));
    if (res.destroyed) return;
    res.writeHead(next.status, {
      "content-type": "application/json",
      ...("headers" in next ? next.headers : {}),
    });
    const text = JSON.stringify(next.body ?? { status: next.status });
    if ("slowBodyMs" in next) {
      res.flushHeaders();
      await new Promise((r) => setTimeout(r, next.slowBodyMs));
    }
    res.end(text);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script(...next) {
      queue = next;
      received.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
