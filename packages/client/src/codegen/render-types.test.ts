import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { firstDifference, GENERATED_BANNER, GENERATED_TYPES_FILE, renderTypes } from "./render-types.js";

const tiny = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/api/things/{id}": {
      get: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": { schema: { type: "object", properties: { id: { type: "string" } } } },
            },
          },
        },
      },
    },
  },
};

describe("renderTypes", () => {
  it("writes the banner and the paths of a document", async () => {
    const text = await renderTypes(tiny);
    expect(text.startsWith(GENERATED_BANNER)).toBe(true);
    expect(text).toContain('"/api/things/{id}": {');
    expect(text).toMatch(/id: string;/);
  });

  it("is what the committed file was written by (its banner)", () => {
    expect(readFileSync(GENERATED_TYPES_FILE, "utf8").startsWith(GENERATED_BANNER)).toBe(true);
  });
});

describe("firstDifference", () => {
  it("names the first line that differs, or nothing", () => {
    expect(firstDifference("a\nb\nc", "a\nb\nc")).toBeUndefined();
    expect(firstDifference("a\nb\nc", "a\nB\nc")).toEqual({ line: 2, expected: "b", actual: "B" });
    expect(firstDifference("a\nb", "a\nb\nc")).toEqual({ line: 3, expected: "(end of file)", actual: "c" });
  });
});
