import { describe, expect, it } from "vitest";
import { parseDuration, parseWrkOutput } from "./wrk.js";

const OUTPUT = `Running 3s test @ http://127.0.0.1:3000/api/products/MUG-001
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.61ms    5.05ms  63.18ms   95.61%
    Req/Sec    13.76k     1.64k   15.48k    80.00%
  Latency Distribution
     50%    3.18ms
     75%    3.30ms
     90%    4.12ms
     99%   58.83ms
  41085 requests in 3.00s, 17.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:  13695.21
Transfer/sec:      5.67MB
`;

describe("parseWrkOutput", () => {
  it("reads throughput, the 50th and 99th percentiles and every kind of error", () => {
    expect(parseWrkOutput(OUTPUT)).toEqual({
      requestsPerSecond: 13695.21,
      p50Ms: 3.18,
      p99Ms: 58.83,
      requests: 41085,
      errors: 7,
    });
  });

  it("reads wrk's units", () => {
    expect(parseDuration("812.00us")).toBeCloseTo(0.812);
    expect(parseDuration("2.01s")).toBeCloseTo(2010);
    expect(() => parseDuration("fast")).toThrow(/not a wrk duration/);
  });
});
