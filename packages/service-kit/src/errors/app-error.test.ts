import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { toProblem } from "../http/problem.js";
import {
  AppError,
  appError,
  ConflictError,
  errorFromBody,
  InternalError,
  isTransient,
  NotFoundError,
  TimeoutError,
  UnavailableError,
} from "./app-error.js";
import { parseOrThrow } from "./validation.js";

describe("AppError", () => {
  it("carries a code, its status, and a body safe to send", () => {
    const err = new ConflictError("not enough stock", {
      reason: "OUT_OF_STOCK",
      details: { sku: "MUG-001" },
      cause: new Error("internal"),
    });
    expect(err.status).toBe(409);
    expect(err.toBody()).toEqual({
      code: "CONFLICT",
      message: "not enough stock",
      reason: "OUT_OF_STOCK",
      details: { sku: "MUG-001" },
    });
    expect(JSON.stringify(err.toBody())).not.toContain("internal");
  });

  it("round-trips through the wire body to the same class", () => {
    const back = errorFromBody(new NotFoundError("gone").toBody(), "fallback");
    expect(back).toBeInstanceOf(NotFoundError);
    expect(back.message).toBe("gone");
    expect(errorFromBody({ code: "TEAPOT" }, "fallback")).toBeInstanceOf(InternalError);
    expect(appError("TIMEOUT", "slow")).toBeInstanceOf(TimeoutError);
  });

  it("knows which errors are worth retrying", () => {
    expect(isTransient(new UnavailableError("down"))).toBe(true);
    expect(isTransient(new TimeoutError("slow"))).toBe(true);
    expect(isTransient(new ConflictError("no"))).toBe(false);
    expect(isTransient(new Error("x"))).toBe(false);
  });

  it("becomes a problem document, and unknown errors never leak their message", () => {
    expect(
      toProblem(new NotFoundError("order o-1 not found"), { instance: "/api/orders/o-1" }),
    ).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
      title: "Not found",
      detail: "order o-1 not found",
      type: "https://bazaar.dev/problems/not-found",
    });
    const leaked = toProblem(new Error("password=hunter2"), { traceId: "abc" });
    expect(leaked).toMatchObject({ status: 500, code: "INTERNAL", traceId: "abc" });
    expect(JSON.stringify(leaked)).not.toContain("hunter2");
  });
});

describe("parseOrThrow", () => {
  it("lists each bad field with its path and message", () => {
    const schema = v.object({
      a: v.number(),
      b: v.object({ c: v.pipe(v.string(), v.minLength(2, "too short")) }),
    });
    try {
      parseOrThrow(schema, { a: "x", b: { c: "y" } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).issues).toEqual([
        { path: "a", message: expect.stringContaining("Expected number") },
        { path: "b.c", message: "too short" },
      ]);
      expect((err as Error).message).toBe("invalid request (a: Invalid type: Expected number, and 1 more)");
    }
  });
});
