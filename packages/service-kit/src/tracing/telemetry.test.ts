import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { balanceService, entryRecorded, ledgerService, recordEntry } from "../fixtures/ledger-services.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { samplerFrom } from "./otlp-telemetry.js";
import { tracesEndpoint } from "./telemetry.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}
interface Received {
  service: string;
  span: OtlpSpan;
}

// A real OTLP/HTTP receiver: what the services' exporters POST to /v1/traces (http/json).
const received: Received[] = [];
let receiver: Server;
let endpoint: string;
let nats: TestNats;
let ledger: TestService;
let balance: TestService;
let nc: NatsConnection;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      const payload = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const rs of payload.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
        for (const ss of rs.scopeSpans) for (const span of ss.spans) received.push({ service, span });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  nats = await startTestNats();
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
  ledger = await startTestService(ledgerService, { natsUrl: nats.url, env });
  balance = await startTestService(balanceService, { natsUrl: nats.url, env });
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await balance?.stop();
  await ledger?.stop();
  await nats?.dispose();
  receiver?.close();
});

describe("traces", () => {
  it("export one trace from the caller through RPC, the outbox and the stream to the consumer", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    const h = headers();
    h.set("traceparent", `00-${traceId}-${callerSpan}-01`);
    h.set("tracestate", "vendor=opaque");
    await nc.request(recordEntry.subject, JSON.stringify({ entryId: "traced-otel", amount: 3 }), {
      headers: h,
      timeout: 5000,
    });
    const inTrace = () => received.filter((r) => r.span.traceId === traceId);
    const named = (name: string) => inTrace().find((r) => r.span.name === name);
    await vi.waitFor(() => expect(named(`process ${entryRecorded.subject}`)).toBeDefined(), {
      timeout: 10_000,
      interval: 100,
    });

    const server = named(`process ${recordEntry.subject}`);
    const create = named(`create ${entryRecorded.subject}`);
    const publish = named(`publish ${entryRecorded.subject}`);
    const consume = named(`process ${entryRecorded.subject}`);
    expect(server).toMatchObject({ service: "ledger", span: { parentSpanId: callerSpan, kind: 2 } });
    expect(server?.span.traceState).toBe("vendor=opaque");
    expect(create).toMatchObject({ service: "ledger", span: { parentSpanId: server?.span.spanId, kind: 4 } });
    expect(publish).toMatchObject({ service: "ledger", span: { parentSpanId: create?.span.spanId } });
    expect(consume).toMatchObject({
      service: "balance",
      span: { parentSpanId: create?.span.spanId, kind: 5 },
    });
    expect(consume?.span.links?.[0]).toMatchObject({ traceId, spanId: create?.span.spanId });
    expect(consume?.span.traceState).toBe("vendor=opaque");
    const attributes = Object.fromEntries(
      (server?.span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
    );
    expect(attributes).toMatchObject({
      "messaging.system": "nats",
      "messaging.destination.name": recordEntry.subject,
    });
  });

  it("record a failed request with its code", async () => {
    const traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
    const h = headers();
    h.set("traceparent", `00-${traceId}-00f067aa0ba902b8-01`);
    await nc.request(recordEntry.subject, JSON.stringify({ entryId: "" }), { headers: h, timeout: 5000 });
    await vi.waitFor(
      () => {
        const span = received.find((r) => r.span.traceId === traceId)?.span as
          | (OtlpSpan & { status?: { code?: number; message?: string } })
          | undefined;
        expect(span?.status).toMatchObject({ code: 2, message: "BAD_REQUEST" });
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});

describe("telemetry settings", () => {
  it("is off without an endpoint, or when disabled, and follows the standard variables", () => {
    expect(tracesEndpoint({})).toBeUndefined();
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" })).toBe("http://c:4318/v1/traces");
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c/t" })).toBe("http://c/t");
    expect(
      tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c", OTEL_SDK_DISABLED: "true" }),
    ).toBeUndefined();
    expect(samplerFrom({ OTEL_TRACES_SAMPLER: "always_off" }).toString()).toBe("AlwaysOffSampler");
    expect(
      samplerFrom({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }).toString(),
    ).toBe("TraceIdRatioBased{0.25}");
    expect(samplerFrom({}).toString()).toContain("ParentBased");
  });
});
