// Hostile requests at the real gateway in front of the whole system (test-support/hostile-requests.ts):
// each gets its exact status and a problem document that never echoes the hostile value, none gets a
// 5xx, and afterwards nothing was written anywhere.
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { users } from "@bazaar/contracts";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type HostileRequest,
  hostileRequests,
  ORDER,
  type RawHostileRequest,
  rawHostileRequests,
} from "./test-support/hostile-requests.js";
import { createSigningKey, signToken } from "./test-support/signing-key.js";
import { startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let attacker: { token: string; userId: string; email: string };
let victimOrder: string;
let usedKey: string;
/** The table's named tokens, made with the real signing key (or a rogue one) in `beforeAll`. */
const tokens: Record<string, string> = {};

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly text: string;
}

const placeholders = (text: string): string =>
  text.replaceAll("VICTIM", victimOrder).replaceAll("USED", usedKey);

async function send(row: HostileRequest): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(row.headers ?? {})) headers[name] = placeholders(value);
  const token =
    row.token === null
      ? undefined
      : row.token === undefined
        ? attacker.token
        : (tokens[row.token] ?? row.token);
  if (token) headers.authorization = `Bearer ${token}`;
  if (row.body !== undefined) headers["content-type"] ??= "application/json";
  if (row.method === "POST" && row.key !== false) headers["idempotency-key"] ??= randomUUID();
  const res = await fetch(`${sys.gateway.url}${placeholders(row.path)}`, {
    method: row.method,
    headers,
    ...(row.body === undefined ? {} : { body: row.body }),
  });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

/** Writes the chunks on one socket (pausing between them) and reads the answer until the server closes. */
function sendRaw(row: RawHostileRequest): Promise<Answer> {
  const { port } = new URL(sys.gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${row.name}: no answer`));
    }, 10_000);
    socket.on("data", (d) => {
      answer += d.toString("utf8");
    });
    // The server may close while the client still writes (it stops reading a refused request).
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const head = answer.split("\r\n\r\n")[0] ?? "";
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        type: /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null,
        text: answer,
      });
    });
    void (async () => {
      for (const chunk of row.chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (row.gapMs) await new Promise((r) => setTimeout(r, row.gapMs));
      }
    })();
  });
}

/** Everything a request could have written: every stream's messages, accounts, the catalogue, the attacker's orders. */
async function snapshot(): Promise<unknown> {
  const streams: Record<string, number> = {};
  for await (const s of sys.client.jsm.streams.list()) streams[s.config.name] = s.state.messages;
  const products = await sys.api.get<{ items: unknown[] }>("/api/products?limit=100");
  const mine = await sys.api.get<{ items: unknown[] }>("/api/my-orders?limit=100", { token: attacker.token });
  let accounts = 0;
  for await (const chunk of sys.client.client.stream(users.listUsers, {})) accounts += chunk.length;
  return { streams, products: products.body.items, mine: mine.body.items.length, accounts };
}

beforeAll(async () => {
  sys = await startSystem({ gatewayEnv: { BODY_TIMEOUT_MS: "400" } });
  attacker = await sys.newCustomer("Mallory");
  const victim = await sys.newCustomer("Victim");
  const placed = await sys.api.post<{ orderId: string }>("/api/orders", ORDER, { token: victim.token });
  expect(placed.status).toBe(202);
  victimOrder = placed.body.orderId;
  usedKey = `used-${randomUUID()}`;
  const first = await sys.api.post("/api/orders", ORDER, { token: attacker.token, idempotencyKey: usedKey });
  expect(first.status).toBe(202);

  const key = sys.signingKey;
  tokens.hs256 = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256", kid: key.kid })
    .setSubject(attacker.userId)
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(key.x));
  tokens.expired = await signToken(key, { sub: attacker.userId, expiresIn: -3600 });
  tokens.audience = await signToken(key, { sub: attacker.userId, aud: "other-api" });
  tokens.issuer = await signToken(key, { sub: attacker.userId, iss: "evil-issuer" });
  tokens.rogue = await signToken(await createSigningKey("rogue-key"), {
    sub: attacker.userId,
    role: "admin",
    kid: "rogue-key",
  });
  const [header, payload, signature] = attacker.token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<
    string,
    unknown
  >;
  tokens.tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: "admin" })).toString("base64url")}.${signature}`;
  // The set-up's own events reach their streams before the snapshot.
  await new Promise((r) => setTimeout(r, 1000));
});

afterAll(async () => {
  await sys?.dispose();
});

describe("hostile requests at the gateway", () => {
  it("get their exact status and a problem that echoes nothing, never a 5xx, and write nothing", async () => {
    const table = [...hostileRequests(), ...rawHostileRequests(new URL(sys.gateway.url).host)];
    expect(table.length).toBeGreaterThanOrEqual(40);
    const before = await snapshot();
    const wrong: string[] = [];
    for (const row of table) {
      const res = "chunks" in row ? await sendRaw(row) : await send(row);
      const echoed = row.hostile.map(placeholders).filter((value) => res.text.includes(value));
      const problems = [
        res.status !== row.status ? `status ${res.status}, expected ${row.status}` : "",
        res.status >= 500 ? "a server error" : "",
        res.type !== "application/problem+json" ? `content type ${res.type}` : "",
        echoed.length > 0 ? `echoes ${echoed.join(", ")}` : "",
      ].filter(Boolean);
      if (problems.length > 0) wrong.push(`${row.name}: ${problems.join("; ")}`);
    }
    expect(wrong).toEqual([]);
    // Whatever a refused request might have set off (an event, a row) would show by now.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await snapshot()).toEqual(before);
  });
});
