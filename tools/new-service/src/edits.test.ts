import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addDevSecret,
  addImage,
  addServiceDependency,
  addStream,
  addToCatalog,
  addToContractsIndex,
  addToImportRule,
  addToRegistry,
  closingBracket,
  registryPorts,
} from "./edits.js";
import { deriveNames } from "./names.js";
import { repoRoot } from "./repo-root.js";

// The edits run on this repo's files as they are, read only: the result is checked, never written.
const root = repoRoot();
const read = (path: string) => readFileSync(join(root, path), "utf8");
const n = deriveNames("gift-cards");

describe("the edits of the files that list every service", () => {
  it("adds the registry entry as the last service, with the next port", () => {
    const before = read("packages/topology/src/topology.ts");
    const port = Math.max(...registryPorts(before)) + 1;
    const after = addToRegistry(before, n, port);
    expect(after.length).toBeGreaterThan(before.length);
    const entry = after.slice(after.indexOf('name: "gift-cards"'));
    expect(entry).toMatch(
      new RegExp(`^name: "gift-cards",\\s+folder: "services/gift-cards",[\\s\\S]*port: ${port},`),
    );
    expect(entry).toMatch(
      /stage: 1,\s+store: "sqlite",\s+edge: false,\s+contracts: true,\s+invariants: false,\s+\},\s+\],/,
    );
  });

  it("adds the stream before STREAMS and to it, before the dead letters", () => {
    const after = addStream(read("packages/contracts/src/streams.ts"), n);
    expect(after).toMatch(/export const GIFT_CARDS_STREAM = defineStream\(\{\n {2}name: "GIFT_CARDS",/);
    expect(after).toContain('subjects: ["evt.gift_card.>"]');
    expect(after).toMatch(/GIFT_CARDS_STREAM,\s+DEAD_LETTER_STREAM,\s*\] as const;/);
    expect(after.indexOf("export const GIFT_CARDS_STREAM")).toBeLessThan(
      after.indexOf("export const STREAMS"),
    );
  });

  it("exports the namespace and the stream, and files the contracts under the registry's name", () => {
    const index = addToContractsIndex(read("packages/contracts/src/index.ts"), n);
    expect(index).toContain('export * as giftCards from "./gift-cards/index.js";');
    expect(index).toMatch(/GIFT_CARDS_STREAM,\n\} from "\.\/streams\.js";/);
    const catalog = addToCatalog(read("packages/contracts/src/catalog.ts"), n);
    expect(catalog).toContain('import * as giftCards from "./gift-cards/index.js";');
    expect(catalog).toMatch(/"gift-cards": giftCards,\n\} as const;/);
    expect(addToCatalog(read("packages/contracts/src/catalog.ts"), deriveNames("reviews"))).toMatch(
      /\n {2}reviews,\n\} as const;/,
    );
  });

  it("restricts the package in the services' import rule", () => {
    const after = addToImportRule(read("biome.jsonc"), n);
    expect(after).toMatch(/"@bazaar\/gift-cards",\n\s+"@bazaar\/gift-cards\/\*\*"\n\s+\],/);
  });

  it("adds the package where the dev runner and deploy list the services", () => {
    for (const file of ["tools/dev/package.json", "tools/deploy/package.json"]) {
      const after = JSON.parse(addServiceDependency(read(file), file, n, ["@bazaar/inventory"]));
      const section = after.dependencies?.["@bazaar/inventory"] ? after.dependencies : after.devDependencies;
      expect(section["@bazaar/gift-cards"], file).toBe("workspace:*");
    }
    expect(() => addServiceDependency("{}", "x/package.json", n, ["@bazaar/inventory"])).toThrow(
      /x\/package.json: no section lists the services' packages/,
    );
  });

  it("adds the dev Secret and the images in the overlays' alphabetical order", () => {
    const dev = "tools/deploy/k8s/overlays/dev/kustomization.yaml";
    const after = addImage(
      addDevSecret(read(dev), n),
      dev,
      n,
      (s) => `  - { name: bazaar/${s}, newTag: dev }`,
    );
    expect(after).toMatch(
      /- name: nats-user-gateway\n.*\n.*\n {2}- name: nats-user-gift-cards\n {4}literals:\n {6}- password=dev-only-gift-cards-nats-password\n {2}- name: nats-user-inventory/,
    );
    expect(after).toMatch(
      /bazaar\/gateway, newTag: dev \}\n {2}- \{ name: bazaar\/gift-cards, newTag: dev \}\n/,
    );
    const last = addImage(
      read(dev),
      dev,
      deriveNames("zebras"),
      (s) => `  - { name: bazaar/${s}, newTag: dev }`,
    );
    expect(last).toMatch(/bazaar\/users, newTag: dev \}\n {2}- \{ name: bazaar\/zebras, newTag: dev \}\n/);
  });

  it("finds the closing bracket past strings and comments", () => {
    const text = 'x = [ "]", /* ] */ // ]\n [1, {a: "["}] ] tail';
    expect(text.slice(closingBracket(text, text.indexOf("[")))).toBe("] tail");
  });
});
