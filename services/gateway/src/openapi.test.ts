import { Validator } from "@seriousme/openapi-schema-validator";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayEnv } from "./http/gateway-env.js";
import { requireIdempotencyKey } from "./http/idempotency.js";
import { checkCoverage } from "./openapi/coverage.js";
import {
  IDEMPOTENCY_KEY_HEADER,
  type OperationDoc,
  REQUIRED_IDEMPOTENCY_KEY_HEADER,
} from "./openapi/operation.js";
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

  it("refuses to start when a route's key guard and its doc disagree", () => {
    const app = new Hono<GatewayEnv>();
    app.post("/api/keyed", requireIdempotencyKey, (c) => c.json({}));
    app.post("/api/plain", (c) => c.json({}));
    const doc = (path: string, headers: OperationDoc["headers"]): OperationDoc => ({
      method: "post",
      path,
      tag: "t",
      access: "public",
      summary: "s",
      success: { status: 200, description: "ok" },
      ...(headers ? { headers } : {}),
    });
    expect(
      checkCoverage(app.routes, [
        doc("/api/keyed", [REQUIRED_IDEMPOTENCY_KEY_HEADER]),
        doc("/api/plain", [IDEMPOTENCY_KEY_HEADER]),
      ]),
    ).toEqual([]);
    expect(
      checkCoverage(app.routes, [
        doc("/api/keyed", [IDEMPOTENCY_KEY_HEADER]),
        doc("/api/plain", [REQUIRED_IDEMPOTENCY_KEY_HEADER]),
      ]),
    ).toEqual([
      "POST /api/keyed requires an Idempotency-Key its doc does not",
      "POST /api/plain documents a required Idempotency-Key the route does not check",
    ]);
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
