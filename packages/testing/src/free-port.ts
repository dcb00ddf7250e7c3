import { randomInt } from "node:crypto";
import { createServer } from "node:net";

// Below Linux's ephemeral range (32768–60999, and 49152+ on macOS and Windows): the OS never hands these
// to outgoing connections, so a port found free stays free until its test binds it. A port from
// `listen(0)` is an ephemeral one, which any connection opened meanwhile may take.
const LOW = 20_000;
const HIGH = 32_000;
const handedOut = new Set<number>();

/** `isPortFree` tries to listen on the port: the only reliable answer on every OS. */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * `freePort` finds a port nobody listens on, drawn at random outside the ephemeral range and never the
 * same twice in one process (tests start many systems side by side).
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = randomInt(LOW, HIGH);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH}`);
}
