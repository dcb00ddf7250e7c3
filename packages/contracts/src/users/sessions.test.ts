import { randomBytes } from "node:crypto";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { login, logout, RefreshToken, refresh, Session } from "./sessions.js";

const token = () => randomBytes(32).toString("base64url");

describe("RefreshToken", () => {
  it("accepts what users issues: 32 random bytes in base64url", () => {
    for (let i = 0; i < 20; i++) expect(v.safeParse(RefreshToken, token()).success).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["one short", "a".repeat(42)],
    ["one long", "a".repeat(44)],
    ["base64 padding", `${"a".repeat(42)}=`],
    ["standard base64", `${"a".repeat(41)}+/`],
    ["a space", `${"a".repeat(42)} `],
    ["a JWT", "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1LTEifQ.c2ln"],
  ])("refuses %s, with a message that does not repeat the value", (_name, value) => {
    const result = v.safeParse(RefreshToken, value);
    expect(result.success).toBe(false);
    for (const issue of result.issues ?? []) {
      expect(issue.message).toBe("must be a refresh token issued by login or refresh");
      if (value) expect(issue.message).not.toContain(value);
    }
  });

  it("refuses a non-string with its own message", () => {
    expect(v.safeParse(RefreshToken, 42).issues?.[0]?.message).toBe("must be a string");
  });
});

describe("session RPCs", () => {
  it("login and refresh answer the same Session shape; all three write, so all three are commands", () => {
    expect(login.response).toBe(Session);
    expect(refresh.response).toBe(Session);
    expect([login.command, refresh.command, logout.command]).toEqual([true, true, true]);
    expect([refresh.subject, logout.subject]).toEqual(["rpc.users.refresh", "rpc.users.logout"]);
  });

  it("a Session carries the refresh token and its lifetime besides the access token", () => {
    const base = {
      accessToken: "a.b.c",
      tokenType: "Bearer",
      expiresIn: 900,
      user: {
        id: "u-1",
        email: "a@b.co",
        name: "A",
        role: "customer",
        createdAt: "2026-01-01T00:00:00.000Z",
      },
    };
    expect(v.safeParse(Session, { ...base, refreshToken: token(), refreshExpiresIn: 604800 }).success).toBe(
      true,
    );
    expect(v.safeParse(Session, base).success).toBe(false);
    expect(v.safeParse(Session, { ...base, refreshToken: token(), refreshExpiresIn: 0 }).success).toBe(false);
  });
});
