import { users } from "@bazaar/contracts";
import type { RpcClient } from "@bazaar/service-kit/platform";
import { createTestClient, readEvents, type TestClient, type TestService } from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "./accounts.js";
import { accounts } from "./db/schema.js";
import { hashPassword } from "./passwords.js";
import { waitForOutbox } from "./test-support/outbox.js";
import { startUsers } from "./test-support/start-users.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startUsers({ natsUrl: nats.url, env: { SEED: "true" } });
  caller = await createTestClient(nats.url);
  client = caller.client;
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

const rowsWithEmail = (email: string) =>
  svc.runtime.db.select().from(accounts).where(eq(accounts.email, email)).all();
const registeredEvents = async (email: string) => {
  await waitForOutbox(svc);
  return (await readEvents(caller.nc, users.userRegistered)).filter((e) => e.data.email === email);
};

describe("register", () => {
  it("creates a customer with one user.registered; a retry with the same key gets the first answer", async () => {
    const input = { email: " Ada@Example.com ", password: "correct horse battery", name: " Ada " };
    const first = await client.call(users.register, input, { idempotencyKey: "register-ada" });
    expect(first).toEqual({
      id: expect.any(String),
      email: "ada@example.com",
      name: "Ada",
      role: "customer",
      createdAt: expect.any(String),
    });
    expect(await client.call(users.register, input, { idempotencyKey: "register-ada" })).toEqual(first);
    await expect(
      client.call(users.register, input, { idempotencyKey: "register-ada-2" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "EMAIL_TAKEN",
    });
    expect(rowsWithEmail("ada@example.com")).toHaveLength(1);
    const events = await registeredEvents("ada@example.com");
    expect(events.map((e) => e.data)).toEqual([
      { userId: first.id, email: "ada@example.com", name: "Ada", role: "customer" },
    ]);
    expect(events[0]).toMatchObject({ type: "user.registered", version: 1, source: "users" });
  });

  it("refuses the key for any other field, the password included (UNPROCESSABLE), and stores no password", async () => {
    const input = { email: "kay@example.com", password: "first-password-1", name: "Kay" };
    const first = await client.call(users.register, input, { idempotencyKey: "register-kay" });
    for (const other of [
      { ...input, password: "other-password-2" },
      { ...input, name: "Kay Two" },
      { ...input, email: "kay2@example.com" },
    ]) {
      const err = await client
        .call(users.register, other, { idempotencyKey: "register-kay" })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" });
      expect(JSON.stringify(err)).not.toContain("register-kay");
    }
    expect(rowsWithEmail("kay2@example.com")).toHaveLength(0);
    expect(await client.call(users.register, input, { idempotencyKey: "register-kay" })).toEqual(first);
    const kept = svc.runtime.store?.sqlite
      .prepare("SELECT request_hash, response FROM kit_idempotency WHERE key = ?")
      .get("register-kay") as { request_hash: string; response: string };
    expect(kept.request_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(kept)).not.toContain(input.password);
  });

  it("answers a retry that arrives while the first is still hashing with CONFLICT; one account", async () => {
    const input = { email: "lee@example.com", password: "lee-password-1", name: "Lee" };
    const [one, two] = await Promise.allSettled([
      client.call(users.register, input, { idempotencyKey: "register-lee" }),
      client.call(users.register, input, { idempotencyKey: "register-lee" }),
    ]);
    const outcomes = [one, two].map((r) => (r.status === "fulfilled" ? "created" : r.reason.code));
    expect(outcomes.sort()).toEqual(["CONFLICT", "created"]);
    expect(rowsWithEmail("lee@example.com")).toHaveLength(1);
  });

  it("treats emails as equal whatever their case", async () => {
    await client.call(users.register, {
      email: "Grace@Example.com",
      password: "cobol-forever-1959",
      name: "Grace",
    });
    for (const email of ["grace@example.com", "GRACE@EXAMPLE.COM", "gRaCe@eXaMpLe.CoM"]) {
      await expect(
        client.call(users.register, { email, password: "another-password", name: "Impostor" }),
      ).rejects.toMatchObject({ code: "CONFLICT", reason: "EMAIL_TAKEN" });
    }
    // Below the contract too: an insert that skipped normalisation still collides.
    const hash = await hashPassword("another-password");
    expect(() =>
      svc.runtime.transaction((tx, outbox) =>
        createAccount(tx as never, outbox as never, {
          email: "GRACE@example.com",
          name: "Impostor",
          role: "customer",
          passwordHash: hash,
        }),
      ),
    ).toThrow(expect.objectContaining({ code: "CONFLICT" }));
    expect(rowsWithEmail("grace@example.com")).toHaveLength(1);
  });

  it("holds passwords to 10-200 characters (BAD_REQUEST at path password, value never echoed)", async () => {
    for (const password of ["tiny-pw", "x".repeat(201)]) {
      const err = await client
        .call(users.register, { email: "short@example.com", password, name: "Short" })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: "BAD_REQUEST",
        issues: [expect.objectContaining({ path: "password" })],
      });
      expect(JSON.stringify(err)).not.toContain(password);
    }
    await expect(
      client.call(users.register, { email: "not-an-email", password: "long enough pw", name: "X" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", issues: [expect.objectContaining({ path: "email" })] });
    expect(rowsWithEmail("short@example.com")).toHaveLength(0);
    // Exactly ten characters is enough.
    await expect(
      client.call(users.register, { email: "ten@example.com", password: "0123456789", name: "Ten" }),
    ).resolves.toMatchObject({ email: "ten@example.com" });
  });
});

describe("get", () => {
  it("gets a user by id; NOT_FOUND for an unknown id, BAD_REQUEST for an empty one", async () => {
    const lin = await client.call(users.register, {
      email: "lin@example.com",
      password: "a-long-password",
      name: "Lin",
    });
    expect(await client.call(users.getUser, { userId: lin.id })).toEqual(lin);
    await expect(client.call(users.getUser, { userId: "no-such-user" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(client.call(users.getUser, { userId: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("list", () => {
  it("streams 1200+ users complete, in several chunks, in sign-up order, and filters by role", async () => {
    const passwordHash = await hashPassword("bulk-password");
    const bulk = svc.runtime.transaction((tx, outbox) =>
      Array.from(
        { length: 1200 },
        (_, i) =>
          createAccount(tx as never, outbox as never, {
            email: `bulk-${i}@example.com`,
            name: `Bulk ${i}`,
            role: "customer",
            passwordHash,
          }).id,
      ),
    );
    const chunks: users.User[][] = [];
    for await (const chunk of client.stream(users.listUsers, {})) chunks.push(chunk);
    const all = chunks.flat();
    expect(chunks.length).toBeGreaterThan(1);
    expect(all).toHaveLength(await svc.runtime.db.$count(accounts));
    const ids = all.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(bulk));
    expect(JSON.stringify(all)).not.toContain("scrypt$");

    const admins = (await collect({ role: "admin" })).map((u) => u.email);
    expect(admins).toEqual(["admin@bazaar.local"]);
    const customers = await collect({ role: "customer" });
    expect(customers.every((u) => u.role === "customer")).toBe(true);
    expect(customers).toHaveLength(all.length - 1);
  });
});

async function collect(input: { role?: users.Role }): Promise<users.User[]> {
  const out: users.User[] = [];
  for await (const chunk of client.stream(users.listUsers, input)) out.push(...chunk);
  return out;
}
