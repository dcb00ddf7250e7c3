import { createServer, type Server } from "node:http";
import { freePort } from "@bazaar/testing";

/** An OTLP/HTTP endpoint that accepts every export and keeps only counts. */
export interface OtlpSink {
  /** For `OTEL_EXPORTER_OTLP_ENDPOINT`: the exporters post to `<url>/v1/traces`. */
  readonly url: string;
  /** Export requests and bytes received so far: proof that the traced stack really exported. */
  stats(): { readonly requests: number; readonly bytes: number };
  stop(): Promise<void>;
}

/**
 * `startOtlpSink` stands in for a collector so that the traced row measures what tracing costs the
 * services (spans, batching, encoding, export) and not a collector's own work. It answers every export
 * with an empty success, which is a valid `ExportTraceServiceResponse` in both protobuf and JSON.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  const port = await freePort();
  let requests = 0;
  let bytes = 0;
  const server: Server = createServer((req, res) => {
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on("end", () => {
      requests += 1;
      const json = (req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : "");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, bytes }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
