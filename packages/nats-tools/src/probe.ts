import { connect as tcpConnect } from "node:net";

/** The fields of a NATS server's INFO greeting that tools care about. */
export interface NatsServerInfo {
  readonly server_name?: string;
  readonly version?: string;
  readonly jetstream?: boolean;
}

export type ProbeResult =
  | { readonly kind: "nats"; readonly info: NatsServerInfo }
  | { readonly kind: "other" }
  | { readonly kind: "closed" };

/** `parseNatsUrl` turns `nats://host:port` (or `host:port`) into its parts. */
export function parseNatsUrl(url: string): { host: string; port: number } {
  const u = new URL(url.includes("://") ? url : `nats://${url}`);
  return { host: u.hostname || "127.0.0.1", port: Number(u.port || 4222) };
}

/**
 * `probeNats` opens a TCP connection and reads the greeting: a NATS server speaks first with `INFO {...}`.
 * It tells apart "a NATS server is here" (reuse it), "something else holds the port", and "nothing listens".
 */
export function probeNats(url: string, timeoutMs = 1_000): Promise<ProbeResult> {
  const { host, port } = parseNatsUrl(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    let data = "";
    const finish = (result: ProbeResult): void => {
      socket.destroy();
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => finish(data ? { kind: "other" } : { kind: "other" }), timeoutMs);
    socket.once("error", () => finish({ kind: "closed" }));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const nl = data.indexOf("\r\n");
      if (nl < 0) return;
      const line = data.slice(0, nl);
      if (!line.startsWith("INFO ")) return finish({ kind: "other" });
      try {
        finish({ kind: "nats", info: JSON.parse(line.slice(5)) as NatsServerInfo });
      } catch {
        finish({ kind: "other" });
      }
    });
  });
}
