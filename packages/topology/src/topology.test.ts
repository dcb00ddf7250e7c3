import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { edgeService, findService, services, startStages, stopStages, topology } from "./index.js";
import { registryProblems } from "./registry-check.js";
import { repoRoot } from "./repo-root.js";
import type { ServiceEntry } from "./topology.js";

const root = repoRoot();

describe("the registry and the services/ folder", () => {
  it("agree: every folder is listed, every entry has its folder, package and declared facts", () => {
    expect(registryProblems(root, services)).toEqual([]);
  });

  it("disagree when a folder is not listed, an entry has no folder, or a fact is wrong (a fixture repo)", () => {
    const fake = mkdtempSync(join(tmpdir(), "bazaar-topology-"));
    try {
      const write = (path: string, text: string): void => {
        mkdirSync(dirname(join(fake, path)), { recursive: true });
        writeFileSync(join(fake, path), text);
      };
      const pkg = (name: string, exports: string[]) =>
        JSON.stringify({
          name,
          exports: Object.fromEntries(exports.map((e) => [e, "./x.ts"])),
          scripts: { start: "node dist/main.js" },
        });
      write("services/users/package.json", pkg("@bazaar/users", ["./service"]));
      write("services/users/drizzle/0000.sql", "");
      write("packages/contracts/src/users/index.ts", "");
      write("services/stray/package.json", pkg("@bazaar/stray", ["./service"]));
      const entry = (name: string, facts: Partial<ServiceEntry> = {}): ServiceEntry => ({
        name,
        folder: `services/${name}`,
        package: `@bazaar/${name}`,
        port: 1,
        role: "",
        stage: 1,
        store: "sqlite",
        edge: false,
        contracts: true,
        invariants: false,
        ...facts,
      });
      expect(registryProblems(fake, [entry("users")])).toEqual([
        "services/stray is not in the registry (packages/topology/src/topology.ts)",
      ]);
      expect(registryProblems(fake, [entry("users"), entry("stray"), entry("ghost")])).toEqual([
        "stray: store is sqlite, but services/stray/drizzle does not",
        "stray: contracts is true, but packages/contracts/src/stray does not",
        "ghost: the registry lists it, but services/ghost/package.json does not exist",
      ]);
      expect(
        registryProblems(fake, [
          entry("users", { invariants: true }),
          entry("stray", { store: "none", contracts: false }),
        ]),
      ).toEqual(["users: invariants is true, but @bazaar/users does not export ./invariants"]);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});

describe("the registry", () => {
  it("has distinct names and ports (the console's included)", () => {
    const names = services.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const ports = [...services.map((s) => s.port), topology.console.port];
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("has one public door, which starts last and stops first", () => {
    const edge = edgeService();
    expect(edge.name).toBe("gateway");
    expect(edge.store).toBe("none");
    const stages = startStages(services);
    expect(stages.at(-1)?.map((s) => s.name)).toEqual([edge.name]);
    expect(stopStages(services)[0]?.map((s) => s.name)).toEqual([edge.name]);
    // Every other service starts before it, together (they meet only through NATS).
    expect(stages.slice(0, -1).flat().length).toBe(services.length - 1);
  });

  it("starts in stages, each service in exactly one, in the registry's order within a stage", () => {
    const stages = startStages(services);
    expect(
      stages
        .flat()
        .map((s) => s.name)
        .sort(),
    ).toEqual(services.map((s) => s.name).sort());
    for (const stage of stages) {
      const order = stage.map((s) => services.indexOf(s));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it("finds a service by name or package, and names them all when it cannot", () => {
    expect(findService("orders").port).toBe(3105);
    expect(findService("@bazaar/order-views").name).toBe("order-views");
    expect(() => findService("nope")).toThrow(/unknown service "nope"; services: gateway, users/);
  });

  it("is plain data: it survives JSON (the console's server sends it to the page)", () => {
    expect(JSON.parse(JSON.stringify(topology))).toEqual(topology);
  });
});
