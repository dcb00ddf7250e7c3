import { describe, expect, it } from "vitest";
import { type LocalEndpoint, LocalRpcRegistry, localRpcRegistry } from "./local-registry.js";

const endpoint = (instance: string, server: () => string | undefined): LocalEndpoint => ({
  service: "lab",
  instance,
  server,
  serve: () => undefined,
});

describe("LocalRpcRegistry", () => {
  it("finds an endpoint only for a caller on the same broker server, and forgets it once removed", () => {
    const registry = new LocalRpcRegistry();
    let server: string | undefined = "S1";
    const remove = registry.add(
      "rpc.lab.whoami",
      endpoint("a", () => server),
    );
    expect(registry.find("rpc.lab.whoami", "S1")?.instance).toBe("a");
    expect(registry.find("rpc.lab.whoami", "S2")).toBeUndefined();
    expect(registry.find("rpc.lab.whoami", undefined)).toBeUndefined();
    expect(registry.find("rpc.lab.other", "S1")).toBeUndefined();
    // A callee whose connection is down reports no server: it is not reachable in-process either.
    server = undefined;
    expect(registry.find("rpc.lab.whoami", "S1")).toBeUndefined();
    server = "S1";
    remove();
    remove();
    expect(registry.find("rpc.lab.whoami", "S1")).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it("shares the load between the instances of a service in the process", () => {
    const registry = new LocalRpcRegistry();
    registry.add(
      "rpc.lab.whoami",
      endpoint("a", () => "S1"),
    );
    const removeB = registry.add(
      "rpc.lab.whoami",
      endpoint("b", () => "S1"),
    );
    registry.add(
      "rpc.lab.whoami",
      endpoint("elsewhere", () => "S2"),
    );
    const picks = new Set(Array.from({ length: 4 }, () => registry.find("rpc.lab.whoami", "S1")?.instance));
    expect(picks).toEqual(new Set(["a", "b"]));
    removeB();
    expect(registry.find("rpc.lab.whoami", "S1")?.instance).toBe("a");
    expect(registry.size).toBe(2);
  });

  it("is one registry per process", () => {
    expect(localRpcRegistry()).toBe(localRpcRegistry());
  });
});
