import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";
import { ALL_EVENTS, ALL_RPCS } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { buildAsyncApi } from "./build-asyncapi.js";
import { DOCUMENT_PATH, documentText } from "./document.js";
import { fixtureExamples } from "./fixtures.js";

const doc = buildAsyncApi({ version: "1.0.0", examples: fixtureExamples() });

describe("the AsyncAPI document", () => {
  it("is valid AsyncAPI 3.0 (the reference parser finds no error)", async () => {
    const diagnostics = await new Parser().validate(JSON.stringify(doc));
    const errors = diagnostics
      .filter((d) => d.severity === 0)
      .map((d) => `${d.path.join("/")}: ${d.message}`);
    expect(errors).toEqual([]);
  });

  it("has every event and RPC of the contracts, with the events' samples", () => {
    const channels = doc.channels as Record<string, { address: string | null; messages: object }>;
    const addresses = new Set(Object.values(channels).map((c) => c.address));
    for (const event of ALL_EVENTS) expect(addresses, event.subject).toContain(event.subject);
    for (const rpc of ALL_RPCS) expect(addresses, rpc.subject).toContain(rpc.subject);
    const messages = (doc.components as { messages: Record<string, { examples?: unknown[] }> }).messages;
    for (const event of ALL_EVENTS)
      expect(messages[event.subject]?.examples?.length, event.subject).toBeGreaterThan(0);
  });

  it("is the document kept in docs/asyncapi.json (run `pnpm asyncapi` after changing a contract)", () => {
    expect(readFileSync(DOCUMENT_PATH, "utf8")).toBe(documentText(doc));
  });
});
