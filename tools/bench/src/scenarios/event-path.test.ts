import { describe, expect, it } from "vitest";
import { parseEventPathOutput } from "./event-path.js";

describe("parseEventPathOutput", () => {
  it("reads the kit benchmark's four lines", () => {
    const output = `event path benchmark: 1000 events, 2 cores (x), node v24, nats-server 2.15.2, SQLite synchronous=FULL
saturated (send as fast as possible):
  baseline, bare JetStream:          9000 events/s, p50 20.1 ms, p99 40.2 ms
  kit, outbox → relay → inbox:       1200 events/s, p50 300.5 ms, p99 600.0 ms
  ratio kit/baseline throughput:     0.13
steady (250 events/s):
  baseline, bare JetStream:          250 events/s, p50 1.2 ms, p99 3.4 ms
  kit, outbox → relay → inbox:       249 events/s, p50 12.0 ms, p99 30.5 ms`;
    expect(parseEventPathOutput(output)).toEqual({
      bareSaturated: { rate: 9000, p50Ms: 20.1, p99Ms: 40.2 },
      bareSteady: { rate: 250, p50Ms: 1.2, p99Ms: 3.4 },
      kitSaturated: { rate: 1200, p50Ms: 300.5, p99Ms: 600 },
      kitSteady: { rate: 249, p50Ms: 12, p99Ms: 30.5 },
    });
  });
});
