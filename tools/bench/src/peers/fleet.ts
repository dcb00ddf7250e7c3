import { answers, type ManagedProcess, waitUntil } from "@bazaar/system-harness";
import { freePort } from "@bazaar/testing";
import { startPeerProcess } from "./peer-process.js";

/** One HTTP stack under test: its URL for the product read and the processes to measure. */
export interface HttpTarget {
  readonly name: string;
  readonly description: string;
  readonly url: string;
  /** Process id per process of this stack (the broker is added by the caller). */
  pids(): Record<string, number>;
  /** Milliseconds from the first spawn until it answered the product read. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

export interface PeerOptions {
  readonly natsUrl: string;
  readonly user: string;
  readonly password: string;
  /** The peers' own copy of the products table. */
  readonly dbFile: string;
  readonly sku: string;
  readonly logDir: string;
}

/** The subject the raw responder answers (disjoint from the kit's `rpc.>`). */
export const RAW_SUBJECT = "bench.raw.getProduct";

interface PeerSpec {
  readonly name: string;
  readonly description: string;
  /** The process that serves HTTP is the first; its port is `PORT`. */
  readonly scripts: ReadonlyArray<{ readonly name: string; readonly script: string }>;
}

export const PEERS: readonly PeerSpec[] = [
  {
    name: "moleculer",
    description: "Moleculer 0.15 + moleculer-web, NATS transporter, better-sqlite3",
    scripts: [
      { name: "moleculer-api", script: "moleculer-api.js" },
      { name: "moleculer-products", script: "moleculer-products.js" },
    ],
  },
  {
    name: "nestjs",
    description: "NestJS 12 HTTP (Express) → NestJS microservice, NATS transport, better-sqlite3",
    scripts: [
      { name: "nest-http", script: "nest-http.js" },
      { name: "nest-products", script: "nest-products.js" },
    ],
  },
  {
    name: "hono-nats",
    description: "floor: Hono + one raw nats.js request → raw responder, prepared statement",
    scripts: [
      { name: "hono-gateway", script: "hono-gateway.js" },
      { name: "raw-responder", script: "raw-responder.js" },
    ],
  },
  {
    name: "node-http",
    description: "floor: bare node:http, the product from memory",
    scripts: [{ name: "node-http", script: "node-http.js" }],
  },
];

/** `startPeer` starts one peer stack and waits until its product read answers 200. */
export async function startPeer(spec: PeerSpec, options: PeerOptions): Promise<HttpTarget> {
  const port = await freePort();
  const env = {
    NATS_URL: options.natsUrl,
    NATS_USER: options.user,
    NATS_PASSWORD: options.password,
    DB_FILE: options.dbFile,
    BENCH_SKU: options.sku,
    RAW_SUBJECT,
    PORT: String(port),
  };
  const url = `http://127.0.0.1:${port}/api/products/${options.sku}`;
  const started = performance.now();
  const procs = new Map<string, ManagedProcess>();
  // The back end first, so the edge finds it (Moleculer's gateway waits for discovery anyway).
  for (const s of [...spec.scripts].reverse())
    procs.set(s.name, startPeerProcess({ name: s.name, script: s.script, env, logDir: options.logDir }));
  const stop = async () => {
    await Promise.all([...procs.values()].map((p) => p.stop(5_000)));
  };
  try {
    await waitUntil(() => answers(url), {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: `${spec.name} did not answer ${url}`,
      abandon: () => {
        const dead = [...procs].find(([, p]) => !p.running);
        return dead ? `${dead[0]} exited:\n${dead[1].tail()}` : undefined;
      },
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    name: spec.name,
    description: spec.description,
    url,
    readyMs: performance.now() - started,
    pids: () => Object.fromEntries([...procs].map(([name, p]) => [name, p.pid])),
    stop,
  };
}
