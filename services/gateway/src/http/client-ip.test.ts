import { describe, expect, it } from "vitest";
import { forwardedClient } from "./client-ip.js";

describe("forwardedClient", () => {
  it("takes the entry the outermost trusted proxy wrote, whatever the client put before it", () => {
    // The client claims 6.6.6.6; the first proxy saw 203.0.113.7; the second saw the first (10.0.0.5).
    const header = "6.6.6.6, 203.0.113.7, 10.0.0.5";
    expect(forwardedClient(header, 1)).toBe("10.0.0.5");
    expect(forwardedClient(header, 2)).toBe("203.0.113.7");
    expect(forwardedClient(header, 3)).toBe("6.6.6.6");
  });

  it("trusts nothing with no proxies, too few entries, or an entry that is not an address", () => {
    expect(forwardedClient("203.0.113.7", 0)).toBeUndefined();
    expect(forwardedClient(undefined, 1)).toBeUndefined();
    expect(forwardedClient("203.0.113.7", 2)).toBeUndefined();
    expect(forwardedClient("203.0.113.7, not-an-ip", 1)).toBeUndefined();
    expect(forwardedClient(" , ,", 1)).toBeUndefined();
    expect(forwardedClient("2001:db8::1, 198.51.100.2", 2)).toBe("2001:db8::1");
  });
});
