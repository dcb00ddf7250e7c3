import { AppError } from "@bazaar/service-kit/platform";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayRuntime } from "./declaration.js";
import type { LiveEvents } from "./events/live-events.js";
import { createGatewayApi } from "./gateway-app.js";
import type { GatewayEnv } from "./http/gateway-env.js";
import { IDEMPOTENCY_KEY_HEADER, REQUIRED_IDEMPOTENCY_KEY_HEADER } from "./openapi/operation.js";
import { platformDocs } from "./openapi/platform-docs.js";
import { openApiPath } from "./openapi/spec.js";
import { defineRoute } from "./routing/define-route.js";
import { groupApp, groupDocs } from "./routing/route-group.js";
import { startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;

beforeAll(async () => {
  // The document and the reference page need no other service.
  sys = await startSystem({ services: [] });
});

afterAll(async () => {
  await sys?.dispose();
});

describe("API reference", () => {
  const ROUTES = [
    "post /api/auth/register",
    "post /api/auth/login",
    "get /api/me",
    "get /api/products",
    "get /api/products/{sku}",
    "post /api/orders",
    "get /api/orders/{id}",
    "post /api/orders/{id}/cancel",
    "get /api/my-orders",
    "get /api/notifications",
    "post /api/admin/products",
    "post /api/admin/products/{sku}/restock",
    "get /api/admin/sagas",
    "get /api/admin/sagas/{id}",
    "post /api/admin/sagas/{id}/retry",
    "get /api/admin/dead-letters",
    "post /api/admin/dead-letters/{id}/replay",
    "post /api/admin/read-models/order-views/rebuild",
    "get /api/system/health",
    "get /api/admin/services",
    "get /api/admin/topology",
    "get /api/admin/streams",
    "get /api/admin/events/stream",
    "get /openapi.json",
    "get /asyncapi.json",
    "get /docs",
    "get /health/live",
    "get /health/ready",
    "get /metrics",
  ];
  type Operation = {
    security: unknown[];
    parameters: Array<{ name: string; in: string; required?: boolean; description?: string }>;
    requestBody?: { content: Record<string, { schema: unknown }> };
    responses: Record<string, { $ref?: string; description?: string; content?: Record<string, unknown> }>;
  };
  type Spec = {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { responses: Record<string, { content: Record<string, unknown> }> };
  };

  it("serves an OpenAPI 3.1 document that validates and lists every route", async () => {
    const res = await sys.api.get<Spec>("/openapi.json");
    expect(res.status).toBe(200);
    const result = await new Validator().validate(res.body);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(res.body.openapi).toBe("3.1.0");
    const listed = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(listed).toEqual(expect.arrayContaining(ROUTES));
  });

  it("serves the AsyncAPI document of the services' events and calls", async () => {
    const res = await sys.api.get<{ asyncapi: string; channels: Record<string, { address: string | null }> }>(
      "/asyncapi.json",
    );
    expect(res.status).toBe(200);
    expect(res.body.asyncapi).toBe("3.0.0");
    const addresses = Object.values(res.body.channels).map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining(["evt.order.placed.v1", "rpc.orders.placeOrder"]));
  });

  it("documents bodies, parameters, bearer security and problem+json errors", async () => {
    const { paths, components } = (await sys.api.get<Spec>("/openapi.json")).body;
    const placeOrder = paths["/api/orders"]?.post as Operation;
    expect(placeOrder.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(placeOrder.requestBody)).toContain("shippingAddress");
    expect(JSON.stringify(placeOrder.requestBody)).not.toContain("userId");
    expect(placeOrder.parameters.map((p) => `${p.in}:${p.name}`)).toContain("header:Idempotency-Key");
    expect(Object.keys(placeOrder.responses)).toEqual(
      expect.arrayContaining(["202", "400", "401", "413", "415", "429", "503", "504"]),
    );
    expect(placeOrder.responses["401"]?.$ref).toBe("#/components/responses/UNAUTHORIZED");
    expect(components.responses.UNAUTHORIZED?.content).toHaveProperty("application/problem+json");
    expect(paths["/api/products"]?.get?.security).toEqual([]);
    expect(paths["/api/products"]?.get?.parameters.map((p) => p.name)).toEqual(["cursor", "limit"]);
    expect(Object.keys(paths["/api/admin/sagas"]?.get?.responses ?? {})).toContain("403");
    expect(JSON.stringify(paths["/api/orders/{id}"]?.get?.responses["200"])).toContain(
      "#/components/schemas/OrderDetails",
    );
  });

  it("documents the required Idempotency-Key of every command that moves money or stock, with 400/409/422", async () => {
    const { paths } = (await sys.api.get<Spec>("/openapi.json")).body;
    for (const path of [
      "/api/orders",
      "/api/auth/register",
      "/api/admin/products",
      "/api/admin/products/{sku}/restock",
    ]) {
      const op = paths[path]?.post as Operation;
      const header = op.parameters.find((p) => p.in === "header" && p.name === "Idempotency-Key");
      expect(header, path).toMatchObject({
        required: true,
        description: expect.stringContaining("Required"),
      });
      expect(op.responses["400"]?.description, path).toContain("Idempotency-Key header is missing");
      expect(op.responses["409"], path).toMatchObject({
        $ref: "#/components/responses/CONFLICT",
        description: expect.stringContaining("still being processed"),
      });
      expect(op.responses["422"], path).toMatchObject({
        $ref: "#/components/responses/UNPROCESSABLE",
        description: expect.stringContaining("different request body"),
      });
    }
    // Commands that are safe to repeat keep the key optional.
    const cancel = paths["/api/orders/{id}/cancel"]?.post as Operation;
    expect(cancel.parameters.find((p) => p.name === "Idempotency-Key")?.required).toBe(false);
    const login = paths["/api/auth/login"]?.post as Operation;
    expect(login.parameters.map((p) => p.name)).not.toContain("Idempotency-Key");
  });

  it("documents exactly the routes the router serves, from the same declarations", async () => {
    // A second API on the running gateway's runtime: the same code that built the one being served.
    const live: LiveEvents = { respond: () => new Response(), closeAll: () => undefined };
    const api = createGatewayApi(sys.gateway.runtime as unknown as GatewayRuntime, live);
    const served = new Set(
      api.routes
        .filter((r) => r.method !== "ALL" && !r.path.endsWith("*"))
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
    );
    const { paths } = (await sys.api.get<Spec>("/openapi.json")).body;
    const documented = new Set(
      Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    // The kit's own routes (health, metrics) answer before the gateway's app: documented, not in it.
    const platform = new Set(platformDocs.map((d) => `${d.method} ${openApiPath(d.path)}`));
    expect([...served].sort()).toEqual([...documented].filter((op) => !platform.has(op)).sort());
    for (const op of platform) expect(documented.has(op), op).toBe(true);
    for (const [path, ops] of Object.entries(paths))
      for (const [method, op] of Object.entries(ops))
        if (path.startsWith("/api/admin/"))
          expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
            expect.arrayContaining(["401", "403"]),
          );
  });

  it("guards and documents a route's Idempotency-Key from one declaration", async () => {
    const route = (path: string, idempotencyKey: "required" | "optional") =>
      defineRoute({
        method: "post",
        path,
        access: "public",
        summary: "s",
        idempotencyKey,
        success: { status: 200, description: "ok" },
        handler: (c) => c.json({}),
      });
    const group = {
      prefix: "/api/t",
      tag: "t",
      routes: [route("/keyed", "required"), route("/plain", "optional")],
    };
    const app = new Hono<GatewayEnv>();
    app.route(group.prefix, groupApp(group, { deadline: (_c, next) => next() }));
    app.onError((err, c) => c.json({ code: err instanceof AppError ? err.code : "INTERNAL" }, 400));
    const post = (path: string, headers: Record<string, string> = {}) =>
      app.request(path, { method: "POST", headers });
    expect(await (await post("/api/t/keyed")).json()).toEqual({ code: "BAD_REQUEST" });
    expect((await post("/api/t/keyed", { "Idempotency-Key": "k-1" })).status).toBe(200);
    expect((await post("/api/t/plain")).status).toBe(200);
    const docs = groupDocs(group);
    expect(docs.map((d) => [d.path, d.headers?.[0]?.required ?? false])).toEqual([
      ["/api/t/keyed", true],
      ["/api/t/plain", false],
    ]);
    expect(docs[0]?.headers?.[0]).toBe(REQUIRED_IDEMPOTENCY_KEY_HEADER);
    expect(docs[1]?.headers?.[0]).toBe(IDEMPOTENCY_KEY_HEADER);
  });

  it("serves the reference page with local assets only, under a CSP without inline scripts", async () => {
    const page = await sys.api.get("/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(page.text).not.toMatch(/(src|href)="https?:/);
    expect(page.text).not.toMatch(/<script>/);
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(urls).toEqual(
      expect.arrayContaining([
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/init.js",
      ]),
    );
    for (const url of urls) {
      const asset = await fetch(`${sys.gateway.url}${url}`);
      expect(asset.status, url).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await sys.api.get("/docs/init.js");
    expect(init.headers.get("content-type")).toContain("text/javascript");
    expect(init.text).toContain('url: "/openapi.json"');
  });

  it("serves no other file", async () => {
    for (const path of [
      "/docs/assets/package.json",
      "/docs/assets/..%2F..%2Fpackage.json",
      "/docs/assets/index.html",
    ])
      expect((await sys.api.get(path)).status, path).toBe(404);
  });
});
