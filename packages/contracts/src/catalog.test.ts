import { services } from "@bazaar/topology";
import { describe, expect, it } from "vitest";
import { ALL_EVENTS, ALL_RPCS, DOMAINS } from "./catalog.js";

const declaring: readonly string[] = services.filter((s) => s.contracts).map((s) => s.name);

describe("the contracts catalogue and the registry of services", () => {
  it("has the contracts of exactly the services the registry says declare some", () => {
    expect(Object.keys(DOMAINS).sort()).toEqual([...declaring].sort());
  });

  it("files each RPC under the service that serves it, and each event under its publisher", () => {
    for (const [name, domain] of Object.entries(DOMAINS)) {
      for (const value of Object.values(domain) as Array<{
        kind?: string;
        service?: string;
        publisher?: string;
      }>) {
        if (value?.kind === "rpc") expect(value.service, `an RPC in ${name}/`).toBe(name);
        if (value?.kind === "event") expect(value.publisher, `an event in ${name}/`).toBe(name);
      }
    }
  });

  it("names only services of the registry as servers and publishers", () => {
    expect(ALL_RPCS.filter((r) => !declaring.includes(r.service)).map((r) => r.subject)).toEqual([]);
    expect(ALL_EVENTS.filter((e) => !declaring.includes(e.publisher)).map((e) => e.type)).toEqual([]);
  });
});
