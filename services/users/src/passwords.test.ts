import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from "./passwords.js";

describe("passwords", () => {
  it("hashes with scrypt, a fresh 16-byte salt and the parameters written alongside", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("verifies a hash made with other parameters, as stored with it", async () => {
    const salt = randomBytes(16);
    const key = scryptSync("legacy-password", salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const stored = `scrypt$16384$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
    expect(await verifyPassword("legacy-password", stored)).toBe(true);
    expect(await verifyPassword("legacy-passwore", stored)).toBe(false);
  });

  it("treats the same password in another Unicode form as the same password", async () => {
    const composed = "caf\u00e9-password";
    const decomposed = "cafe\u0301-password";
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it("never matches an unreadable hash or the unmatchable one", async () => {
    for (const stored of [
      "",
      "plain",
      "scrypt$3$8$1$c2FsdA$aGFzaA",
      "scrypt$16384$8$1$c2FsdA$",
      "bcrypt$x",
    ]) {
      expect(await verifyPassword("anything-at-all", stored)).toBe(false);
    }
    expect(await verifyPassword("anything-at-all", UNMATCHABLE_HASH)).toBe(false);
  });
});
