import { tempSqliteFile } from "@bazaar/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIdempotencyStore, type IdempotencyStore } from "./idempotency.js";
import { openStore, type Store } from "./open-store.js";
import { fingerprintRequest, matchesFingerprint } from "./request-fingerprint.js";

let file: ReturnType<typeof tempSqliteFile>;
let store: Store<Record<string, never>>;
let keys: IdempotencyStore;

beforeEach(() => {
  file = tempSqliteFile();
  store = openStore({ file: file.path, schema: {} });
  keys = createIdempotencyStore(store.sqlite);
});

afterEach(() => {
  store.close();
  file.dir.dispose();
});

const stored = () =>
  store.sqlite.prepare("SELECT endpoint, key, request_hash, response FROM kit_idempotency").all() as Array<{
    endpoint: string;
    key: string;
    request_hash: string;
    response: string;
  }>;

/** Runs one command the way `ctx.idempotently` does: claim, record in the commit, release. */
async function run(key: string, request: unknown, response: unknown) {
  const begun = await keys.begin("svc.restock", key, request);
  if (begun.replay) return begun.response;
  store.sqlite.transaction(() => begun.claim.record(response))();
  begun.claim.release();
  return response;
}

describe("idempotency store", () => {
  it("answers a repeat of the same request with the stored response", async () => {
    expect(await run("k1", { sku: "MUG", quantity: 1 }, { onHand: 11 })).toEqual({ onHand: 11 });
    // Key order does not make a request different.
    expect(await run("k1", { quantity: 1, sku: "MUG" }, { onHand: 12 })).toEqual({ onHand: 11 });
    expect(stored()).toHaveLength(1);
  });

  it("refuses the key for a different request with UNPROCESSABLE, not the first response", async () => {
    await run("k2", { sku: "MUG", quantity: 1 }, { onHand: 11 });
    const reused = keys.begin("svc.restock", "k2", { sku: "MUG", quantity: 3 });
    await expect(reused).rejects.toMatchObject({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" });
    await expect(reused).rejects.not.toThrow(/k2/);
    // The refusal held nothing: the same request still gets its answer.
    expect(await run("k2", { sku: "MUG", quantity: 1 }, {})).toEqual({ onHand: 11 });
  });

  it("refuses a repeat while the first is running with CONFLICT, and lets it run once released", async () => {
    const first = await keys.begin("svc.restock", "k3", { quantity: 1 });
    if (first.replay) throw new Error("expected a claim");
    await expect(keys.begin("svc.restock", "k3", { quantity: 1 })).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "IDEMPOTENCY_KEY_IN_FLIGHT",
    });
    // Another key, or the same key on another endpoint, is another request.
    const other = await keys.begin("svc.restock", "k4", { quantity: 1 });
    const elsewhere = await keys.begin("svc.create", "k3", { quantity: 1 });
    expect([other.replay, elsewhere.replay]).toEqual([false, false]);
    // A command that failed recorded nothing: released, the key runs again.
    first.claim.release();
    const again = await keys.begin("svc.restock", "k3", { quantity: 1 });
    expect(again.replay).toBe(false);
  });

  it("keeps the key claimed while the fingerprint of a repeat is checked", async () => {
    await run("k5", { email: "a@b.c", password: "correct horse" }, { id: "u1" });
    const [one, two] = await Promise.allSettled([
      keys.begin("svc.restock", "k5", { email: "a@b.c", password: "correct horse" }),
      keys.begin("svc.restock", "k5", { email: "a@b.c", password: "correct horse" }),
    ]);
    expect(one).toMatchObject({ status: "fulfilled", value: { replay: true, response: { id: "u1" } } });
    expect(two).toMatchObject({ status: "rejected", reason: { code: "CONFLICT" } });
  });

  it("never answers a row from before fingerprints covered every field (UNPROCESSABLE, not twice)", async () => {
    store.sqlite
      .prepare("INSERT INTO kit_idempotency VALUES ('svc.restock', 'old', ?, '{}', ?)")
      .run("a".repeat(64), Date.now());
    await expect(keys.begin("svc.restock", "old", {})).rejects.toMatchObject({ code: "UNPROCESSABLE" });
  });
});

describe("request fingerprint", () => {
  const registration = { email: "ada@example.com", password: "correct horse battery", name: "Ada" };

  it("covers the password: the same registration with another password is another request", async () => {
    await run("reg", registration, { id: "u1" });
    await expect(
      keys.begin("svc.restock", "reg", { ...registration, password: "wrong horse battery" }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    expect(await run("reg", registration, {})).toEqual({ id: "u1" });
  });

  it("stores no fast digest of a password: a salted scrypt, different every time", async () => {
    const a = await fingerprintRequest(registration);
    const b = await fingerprintRequest(registration);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(registration.password);
    expect(await matchesFingerprint(registration, a)).toBe(true);
    expect(await matchesFingerprint({ ...registration, password: "x" }, a)).toBe(false);
    expect(await matchesFingerprint({ ...registration, name: "Eve" }, a)).toBe(false);
  });

  it("digests other requests with SHA-256 over every field, nested ones included", async () => {
    const order = { items: [{ sku: "MUG", quantity: 1 }], paymentMethod: { token: "tok_visa" } };
    const print = await fingerprintRequest(order);
    expect(print).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await matchesFingerprint(order, print)).toBe(true);
    expect(await matchesFingerprint({ ...order, items: [{ sku: "MUG", quantity: 3 }] }, print)).toBe(false);
    expect(await matchesFingerprint({ ...order, paymentMethod: { token: "tok_other" } }, print)).toBe(false);
  });

  it("refuses stored values it cannot read, and parameters out of bounds", async () => {
    expect(await matchesFingerprint(registration, "scrypt$1048577$8$1$c2FsdA$aGFzaA")).toBe(false);
    expect(await matchesFingerprint(registration, "scrypt$32768$8$1$c2FsdA$")).toBe(false);
    expect(await matchesFingerprint({}, "md5:abc")).toBe(false);
  });
});
