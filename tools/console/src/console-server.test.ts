import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, relative } from "node:path";
import { topology } from "@bazaar/topology";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleApp, startConsole } from "./console-server.js";

const PUBLIC = new URL("../public/", import.meta.url).pathname;
const scripts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? scripts(join(dir, e.name)) : e.name.endsWith(".js") ? [join(dir, e.name)] : [],
  );

const call = (from: string, to: string) => ({ kind: "call", from, to, subject: `rpc.${to}.x` });

// A stand-in for the gateway: a real HTTP server that echoes what it received.
let upstream: Server;
let gatewayUrl = "";
beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          auth: req.headers.authorization ?? null,
          key: req.headers["idempotency-key"] ?? null,
          body,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address();
  gatewayUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => {
  upstream?.close();
});

describe("console server", () => {
  it("serves the page with a strict Content-Security-Policy", async () => {
    const app = createConsoleApp({ gatewayUrl });
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    expect((await app.request("/app.js")).headers.get("content-type")).toContain("text/javascript");
  });

  it("serves the registry of services as /topology.json, in the registry's order", async () => {
    const app = createConsoleApp({ gatewayUrl });
    const res = await app.request("/topology.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as { services: Array<{ name: string }> };
    expect(body.services.map((s) => s.name)).toEqual(topology.services.map((s) => s.name));
  });

  it("draws the topology's rows in the registry's order, not in a list of its own", async () => {
    const { drawTopology } = (await import(new URL("../public/topology.js", import.meta.url).href)) as {
      drawTopology: (t: unknown, order?: string[]) => string;
    };
    const node = (id: string) => ({ id, instances: 1 });
    const graph = {
      nodes: ["b", "c", "a", "gw"].map(node),
      edges: ["a", "b", "c"].map((to) => call("gw", to)),
    };
    const placed = (svg: string) => [...svg.matchAll(/data-node="([^"]+)"/g)].map((m) => m[1]);
    // Boxes are drawn in the nodes' order; their x follows the row order: read them back by position.
    const xs = (svg: string) =>
      Object.fromEntries(
        [...svg.matchAll(/data-node="([^"]+)"><rect x="([\d.]+)"/g)].map((m) => [m[1], Number(m[2])]),
      );
    const ordered = xs(drawTopology(graph, ["gw", "c", "a", "b"]));
    expect(placed(drawTopology(graph, []))).toHaveLength(4);
    expect(ordered.c).toBeLessThan(ordered.a ?? 0);
    expect(ordered.a).toBeLessThan(ordered.b ?? 0);
    const unranked = xs(drawTopology(graph));
    expect(unranked.a).toBeLessThan(unranked.b ?? 0);
    expect(unranked.b).toBeLessThan(unranked.c ?? 0);
  });

  it("refuses paths outside its folder and unknown files", async () => {
    const app = createConsoleApp({ gatewayUrl });
    expect((await app.request("/../package.json")).status).toBe(404);
    expect((await app.request("/nope.js")).status).toBe(404);
  });

  it("forwards /api/* to the gateway unchanged: method, path, query, token, idempotency key and body", async () => {
    const app = createConsoleApp({ gatewayUrl });
    const res = await app.request("/api/admin/sagas?status=running", {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/json", "idempotency-key": "op-1" },
      body: '{"a":1}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(await res.json()).toEqual({
      method: "POST",
      url: "/api/admin/sagas?status=running",
      auth: "Bearer t",
      key: "op-1",
      body: '{"a":1}',
    });
  });

  it("answers 502 when the gateway is down", async () => {
    const app = createConsoleApp({ gatewayUrl: "http://127.0.0.1:1" });
    const res = await app.request("/api/me");
    expect(res.status).toBe(502);
  });

  it("says where a trace opens when a trace viewer runs, and null when none does", async () => {
    const off = await createConsoleApp({ gatewayUrl: "http://127.0.0.1:1" }).request("/traces.json");
    expect(await off.json()).toBeNull();
    const on = createConsoleApp({
      gatewayUrl: "http://127.0.0.1:1",
      tracesUiUrl: "http://127.0.0.1:9411/zipkin/",
    });
    expect(await (await on.request("/traces.json")).json()).toEqual({
      traceUrl: "http://127.0.0.1:9411/zipkin/traces/{traceId}",
    });
  });

  it("serves every module the page imports, and only api.js calls fetch (one door: token, banner)", async () => {
    const app = createConsoleApp({ gatewayUrl });
    for (const file of scripts(PUBLIC)) {
      const source = readFileSync(file, "utf8");
      for (const [, spec] of source.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
        const target = new URL(spec ?? "", `http://x/${relative(PUBLIC, file)}`).pathname;
        expect((await app.request(target)).status, `${relative(PUBLIC, file)} imports ${spec}`).toBe(200);
      }
      if (!file.endsWith("api.js")) expect(source, relative(PUBLIC, file)).not.toMatch(/\bfetch\(/);
      // The CSP (style-src 'self') would drop inline styles silently.
      expect(source, relative(PUBLIC, file)).not.toMatch(/style="/);
    }
  });

  it("serves the sampled metrics as /metrics-history.json, and null when it samples none", async () => {
    expect(await (await createConsoleApp({ gatewayUrl }).request("/metrics-history.json")).json()).toBeNull();
    const service = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end('bazaar_outbox_pending{service="orders"} 4\n');
    });
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    const address = service.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const web = await startConsole({
      port: 0,
      gatewayUrl,
      metricsUrls: { orders: `http://127.0.0.1:${port}/metrics` },
      metricsIntervalMs: 50,
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${web.url}/metrics-history.json`);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const history = (await res.json()) as {
        intervalMs: number;
        series: Array<{ chart: string; labels: Record<string, string>; points: Array<[number, number]> }>;
      };
      expect(history.intervalMs).toBe(50);
      const outbox = history.series.find((s) => s.chart === "outbox_pending");
      expect(outbox?.labels).toEqual({ service: "orders" });
      expect(outbox?.points.length).toBeGreaterThanOrEqual(2);
      expect(outbox?.points.every(([, v]) => v === 4)).toBe(true);
    } finally {
      await web.stop();
      service.close();
    }
  });
});
