import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { parseOrThrow, toIssues } from "./validation.js";

const schema = v.object({
  stock: v.pipe(v.number(), v.integer()),
  email: v.pipe(v.string(), v.email()),
  id: v.pipe(v.string(), v.uuid()),
  name: v.string(),
});
const input = { stock: 1.5, email: "hunter2@nope", id: "secret-id-42", name: 987654 };

describe("toIssues", () => {
  it("keeps each path and what was expected, never the value received", () => {
    const result = v.safeParse(schema, input, { abortEarly: false });
    if (result.success) throw new Error("expected a failure");
    const issues = toIssues(result.issues);
    expect(issues.map((i) => i.path)).toEqual(["stock", "email", "id", "name"]);
    expect(issues.find((i) => i.path === "name")?.message).toBe("Invalid type: Expected string");
    expect(issues.find((i) => i.path === "stock")?.message).toBe("Invalid integer");
    const text = JSON.stringify(issues);
    for (const value of ["1.5", "hunter2", "secret-id-42", "987654"]) expect(text).not.toContain(value);
  });

  it("keeps the values out of the BAD_REQUEST message too", () => {
    expect(() => parseOrThrow(schema, input)).toThrowError(
      /^invalid request \(stock: Invalid integer, and 3 more\)$/,
    );
  });
});
