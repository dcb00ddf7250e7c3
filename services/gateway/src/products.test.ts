import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ services: ["inventory"] });
});

afterAll(async () => {
  await sys?.dispose();
});

describe("catalogue", () => {
  it("lists products a page at a time and gets one by SKU", async () => {
    const first = await sys.api.get<{ items: Array<{ sku: string }>; nextCursor: string | null }>(
      "/api/products?limit=5",
    );
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(5);
    const next = await sys.api.get<{ items: Array<{ sku: string }> }>(
      `/api/products?limit=5&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`,
    );
    expect(next.body.items[0]?.sku.localeCompare(first.body.items[4]?.sku ?? "")).toBeGreaterThan(0);
    const mug = await sys.api.get("/api/products/MUG-001");
    expect(mug.status).toBe(200);
    expect(mug.body).toMatchObject({ sku: "MUG-001", priceCents: 1299, currency: "EUR" });
  });

  it("answers 404 for an unknown SKU and 400 for bad input, with paths and without the input", async () => {
    expect((await sys.api.get("/api/products/NOPE-404")).status).toBe(404);
    const badSku = await sys.api.get("/api/products/lower-case-sku");
    expect(badSku.status).toBe(400);
    expect(v.parse(Problem, badSku.body).issues?.[0]?.path).toBe("sku");
    // `instance` is the route, not the path the client sent: nothing repeats it.
    expect(v.parse(Problem, badSku.body).instance).toBe("/api/products/:sku");
    expect(badSku.text).not.toContain("lower-case-sku");
    const badLimit = await sys.api.get("/api/products?limit=100000");
    expect(badLimit.status).toBe(400);
    expect(v.parse(Problem, badLimit.body).issues).toEqual([{ path: "limit", message: expect.any(String) }]);
    expect(badLimit.text).not.toContain("100000");
  });
});
