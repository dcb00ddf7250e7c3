import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./token-buckets.js";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("TokenBuckets", () => {
  it("allows a burst of `capacity`, then refuses until a token has refilled", () => {
    const time = clock();
    const buckets = new TokenBuckets({ capacity: 3, windowMs: 3000, maxBuckets: 10, now: time.now });
    expect([1, 2, 3].map(() => buckets.take("a").remaining)).toEqual([2, 1, 0]);
    const refused = buckets.take("a");
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1, resetSeconds: 3 });
    time.advance(1000);
    expect(buckets.take("a")).toMatchObject({ allowed: true, remaining: 0 });
    expect(buckets.take("b")).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 1 });
  });

  it("sweeps buckets that have refilled completely, once per window", () => {
    const time = clock();
    const buckets = new TokenBuckets({ capacity: 2, windowMs: 1000, maxBuckets: 10, now: time.now });
    buckets.take("idle");
    buckets.take("busy");
    buckets.take("busy");
    time.advance(600);
    buckets.take("busy");
    expect(buckets.size).toBe(2);
    time.advance(500);
    buckets.take("other");
    // "idle" refilled long ago; "busy" is still short of tokens.
    expect(buckets.size).toBe(2);
  });

  it("keeps at most `maxBuckets`, dropping the oldest", () => {
    const buckets = new TokenBuckets({ capacity: 1, windowMs: 60_000, maxBuckets: 2, now: clock().now });
    buckets.take("first");
    buckets.take("second");
    buckets.take("third");
    expect(buckets.size).toBe(2);
    // "first" was forgotten, so it starts with a full bucket again.
    expect(buckets.take("first").allowed).toBe(true);
    expect(buckets.take("third").allowed).toBe(false);
  });
});
