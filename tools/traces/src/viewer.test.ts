import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { freePort } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findViewer } from "./binaries.js";
import { ViewerStartError } from "./errors.js";
import { findTrace, waitForTrace } from "./query.js";
import { encodeSpan } from "./test-support/otlp-protobuf.js";
import { describeTree, spanTree } from "./tree.js";
import { type RunningViewer, startViewer } from "./viewer.js";

// The real viewer: Zipkin's jar on Java and the collector binary, started as processes, fed a trace over
// OTLP/HTTP and read back through Zipkin's own query API. Without them installed this suite is skipped
// on a developer's machine and fails in CI (where .ci/run installs them).
const binaries = findViewer();
const installed = binaries.missing.length === 0;
const why = `the trace viewer is not installed:\n  ${binaries.missing.join("\n  ")}`;
if (!installed && !process.env.CI) console.warn(`viewer.test.ts skipped: ${why}`);

describe.runIf(!installed && process.env.CI)("trace viewer in CI", () => {
  it("is installed (.ci/run: pnpm --filter @bazaar/traces run install-viewer)", () => {
    expect.fail(why);
  });
});

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
// OTLP's proto3 JSON: ids as hex (not base64), 64-bit integers as strings, enums as numbers.
const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;

/** Three spans from two services: gateway's request, its RPC call, and orders' handling of it. */
function handMadeTrace(traceId: string, t0: bigint) {
  const ids = { request: hex(8), call: hex(8), handle: hex(8) };
  const at = (ms: number): string => String(t0 + BigInt(ms) * 1_000_000n);
  const resource = (service: string) => ({
    attributes: [str("service.name", service), str("deployment.environment", "test")],
  });
  const body = {
    resourceSpans: [
      {
        resource: resource("gateway"),
        scopeSpans: [
          {
            scope: { name: "bazaar-test", version: "1.0.0" },
            spans: [
              {
                traceId,
                spanId: ids.request,
                name: "POST /api/orders",
                kind: SERVER,
                startTimeUnixNano: at(0),
                endTimeUnixNano: at(30),
                attributes: [
                  str("http.request.method", "POST"),
                  { key: "http.response.status_code", value: { intValue: "201" } },
                ],
              },
              {
                traceId,
                spanId: ids.call,
                parentSpanId: ids.request,
                name: "rpc orders.place",
                kind: CLIENT,
                startTimeUnixNano: at(5),
                endTimeUnixNano: at(25),
                attributes: [str("rpc.system", "nats")],
              },
            ],
          },
        ],
      },
      {
        resource: resource("orders"),
        scopeSpans: [
          {
            scope: { name: "bazaar-test" },
            spans: [
              {
                traceId,
                spanId: ids.handle,
                parentSpanId: ids.call,
                name: "orders.place",
                kind: SERVER,
                startTimeUnixNano: at(8),
                endTimeUnixNano: at(20),
                status: { code: STATUS_ERROR, message: "OUT_OF_STOCK" },
              },
            ],
          },
        ],
      },
    ],
  };
  return { body, ids };
}

describe.runIf(installed)("trace viewer (Zipkin behind the OpenTelemetry Collector)", () => {
  let viewer: RunningViewer;

  beforeAll(async () => {
    viewer = await startViewer({ otlpHttpPort: await freePort(), uiPort: await freePort(), binaries });
  });
  afterAll(async () => {
    await viewer?.stop();
  });

  it("takes an OTLP/HTTP JSON export and gives the trace back, linked parent to child, through its query API", async () => {
    const traceId = hex(16);
    const t0 = BigInt(Date.now()) * 1_000_000n;
    const { body, ids } = handMadeTrace(traceId, t0);
    const response = await fetch(`${viewer.otlpEndpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();

    const trace = await waitForTrace({
      traceId,
      services: ["gateway", "orders"],
      minSpans: 3,
      apiUrl: viewer.apiUrl,
      timeoutMs: 20_000,
    });
    expect(trace.services).toEqual(["gateway", "orders"]);
    // Zipkin lowercases span names ("POST /api/orders" is kept as "post /api/orders").
    expect(describeTree(spanTree(trace))).toEqual([
      "gateway: post /api/orders (SERVER)",
      "  gateway: rpc orders.place (CLIENT)",
      "    orders: orders.place (SERVER)",
    ]);
    const [request, call, handle] = trace.spans;
    expect(request).toMatchObject({
      spanId: ids.request,
      parentSpanId: undefined,
      status: { code: "UNSET" },
    });
    expect(call).toMatchObject({ spanId: ids.call, parentSpanId: ids.request });
    expect(handle).toMatchObject({
      spanId: ids.handle,
      parentSpanId: ids.call,
      status: { code: "ERROR", message: "OUT_OF_STOCK" },
    });
    const micros = Number(t0 / 1000n);
    expect(request?.startMicros).toBe(micros);
    expect(request?.endMicros).toBe(micros + 30_000);
    expect(handle?.startMicros).toBe(micros + 8000);
    expect(request?.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": "201",
      "deployment.environment": "test",
      "otel.library.name": "bazaar-test",
      "otel.library.version": "1.0.0",
    });
  });

  it("takes http/protobuf as well (what the Node SDK's OTLP/HTTP exporter sends by default)", async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const start = BigInt(Date.now()) * 1_000_000n;
    const response = await fetch(`${viewer.otlpEndpoint}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/x-protobuf" },
      body: encodeSpan({
        service: "payments",
        traceId,
        spanId,
        parentSpanId: hex(8),
        name: "payments.charge",
        kind: 5,
        startNanos: start,
        endNanos: start + 4_000_000n,
        attributes: { "messaging.system": "nats" },
      }),
    });
    expect(response.status).toBe(200);
    await response.body?.cancel();
    const trace = await waitForTrace({ traceId, services: ["payments"], apiUrl: viewer.apiUrl });
    expect(trace.spans).toHaveLength(1);
    expect(trace.spans[0]).toMatchObject({
      spanId,
      name: "payments.charge",
      kind: "CONSUMER",
      endMicros: Number(start / 1000n) + 4000,
      attributes: { "messaging.system": "nats" },
    });
  });

  it("refuses a port that is taken instead of mistaking another viewer for its own", async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startViewer({ uiPort: port, otlpHttpPort: await freePort(), binaries })).rejects.toThrow(
        ViewerStartError,
      );
    } finally {
      holder.close();
    }
  });

  it("answers undefined for a trace it does not hold", async () => {
    expect(await findTrace(hex(16), { apiUrl: viewer.apiUrl })).toBeUndefined();
  });

  it("serves its UI, and a trace's page, to a person", async () => {
    for (const url of [viewer.uiUrl, viewer.traceUrl(hex(16))]) {
      const page = await fetch(url);
      expect(page.status, url).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain('<div id="root"');
    }
  });
});
