import { describe, expect, it } from "vitest";
import { accountKey, LoginThrottle } from "./login-throttle.js";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const options = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 8000, maxAccounts: 10 };

describe("LoginThrottle", () => {
  it("lets an account fail a few times freely, then makes each attempt wait, twice as long each time", () => {
    const time = clock();
    const throttle = new LoginThrottle({ ...options, now: time.now });
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      throttle.failed("ada@example.com");
      const wait = throttle.waitSeconds("ada@example.com");
      waits.push(wait);
      time.advance(wait * 1000);
    }
    // Three free failures, then 1, 2, 4 s, then capped at 8 s.
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8]);
    expect(throttle.waitSeconds("grace@example.com")).toBe(0);
  });

  it("counts a success as no failure, and clears the account's failures", () => {
    const time = clock();
    const throttle = new LoginThrottle({ ...options, now: time.now });
    for (let i = 0; i < 4; i++) throttle.failed("ada@example.com");
    expect(throttle.waitSeconds("ada@example.com")).toBe(1);
    time.advance(1000);
    throttle.succeeded("ada@example.com");
    expect(throttle.waitSeconds("ada@example.com")).toBe(0);
    // The free failures are all there again.
    for (let i = 0; i < 3; i++) throttle.failed("ada@example.com");
    expect(throttle.waitSeconds("ada@example.com")).toBe(0);
  });

  it("forgets an account quiet for the longest wait, and keeps at most maxAccounts", () => {
    const time = clock();
    const throttle = new LoginThrottle({ ...options, now: time.now });
    for (let i = 0; i < 5; i++) throttle.failed("ada@example.com");
    time.advance(8000);
    expect(throttle.waitSeconds("ada@example.com")).toBe(0);
    expect(throttle.size).toBe(0);
    for (let i = 0; i < 25; i++) throttle.failed(`u${i}@example.com`);
    expect(throttle.size).toBe(10);
  });

  it("names an account by its email as users compares it", () => {
    expect(accountKey("  Ada@Example.COM ")).toBe("ada@example.com");
  });
});
