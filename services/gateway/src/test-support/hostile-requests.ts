// The abuse table's requests: what each one abuses, the exact status it must get, and the values of it the
// answer must never contain. `VICTIM` and `USED` stand for another user's order id and a key already used.
import { randomUUID } from "node:crypto";

/** A request sent with fetch. */
export interface HostileRequest {
  readonly name: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  /** A named token of the table's (see `TOKENS`), a literal one, the attacker's (undefined), or none (null). */
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** A fresh Idempotency-Key on a POST unless `false` or one is in `headers`. */
  readonly key?: false;
  readonly status: number;
  readonly hostile: readonly string[];
}

/** A request written by hand (what fetch refuses to send), for parser-level abuse. */
export interface RawHostileRequest {
  readonly name: string;
  readonly chunks: readonly string[];
  /** Pause between chunks (a slow body). */
  readonly gapMs?: number;
  readonly status: number;
  readonly hostile: readonly string[];
}

export const ADDRESS = { name: "Ada", line1: "1 Street", city: "London", postalCode: "N1", country: "GB" };
export const ORDER = {
  items: [{ sku: "MUG-001", quantity: 1 }],
  shippingAddress: ADDRESS,
  paymentMethod: { token: "tok_visa" },
};

type Extra = Partial<Pick<HostileRequest, "token" | "headers" | "key">>;
const json = (value: unknown): string => JSON.stringify(value);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const get = (name: string, path: string, status: number, hostile: string[], extra: Extra = {}) =>
  ({ name, method: "GET", path, status, hostile, ...extra }) as const;
const post = (
  name: string,
  path: string,
  body: string | Uint8Array,
  status: number,
  hostile: string[],
  extra: Extra = {},
) => ({ name, method: "POST", path, body, status, hostile, ...extra }) as const;
/** An order of the attacker's with `patch` applied to a valid one. */
const order = (
  name: string,
  patch: Record<string, unknown>,
  status: number,
  hostile: string[],
  extra: Extra = {},
) => post(name, "/api/orders", json({ ...ORDER, ...patch }), status, hostile, extra);
const anonymous = { token: null };
const item = (sku: string, quantity: unknown) => ({ items: [{ sku, quantity }] });

/** Every fetch-able hostile request, by what it abuses. */
export function hostileRequests(): HostileRequest[] {
  const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
  const register = (email: string, password: string) => json({ email, password, name: "X" });
  return [
    // Shapes
    post("an array instead of an object", "/api/orders", "[1,2,3]", 400, []),
    post("a JSON string body", "/api/orders", json("drop table orders"), 400, ["drop table orders"]),
    post("null", "/api/orders", "null", 400, []),
    order("items that are not a list", { items: "all-of-them" }, 400, ["all-of-them"]),
    order("no items", { items: [] }, 400, []),
    order("a negative quantity", item("MUG-001", -7777), 400, ["-7777"]),
    order("a fractional quantity", item("MUG-001", 1.5), 400, ["1.5"]),
    order("a huge quantity", item("MUG-001", 1e12), 400, ["1000000000000"]),
    order("a quantity as text", item("MUG-001", "9999"), 400, ["9999"]),
    order("markup in a SKU", item("<script>alert(1)</script>", 1), 400, ["<script>", "alert(1)"]),
    post(
      "no shipping address",
      "/api/orders",
      json({ items: ORDER.items, paymentMethod: ORDER.paymentMethod }),
      400,
      [],
    ),
    order("a card number for a payment token", { paymentMethod: { token: "4111111111111111" } }, 400, [
      "4111111111111111",
    ]),
    post(
      "an operator in a login email",
      "/api/auth/login",
      json({ email: { $gt: "" }, password: "x" }),
      400,
      ["$gt"],
      anonymous,
    ),
    post(
      "SQL in a login email",
      "/api/auth/login",
      json({ email: "' OR 1=1 --", password: "x" }),
      400,
      ["OR 1=1"],
      anonymous,
    ),
    post(
      "a bad email",
      "/api/auth/register",
      register("not-an-email", "a-long-password"),
      400,
      ["not-an-email"],
      anonymous,
    ),
    post(
      "a short password",
      "/api/auth/register",
      register(`s-${randomUUID()}@bazaar.test`, "hunter2"),
      400,
      ["hunter2"],
      anonymous,
    ),
    get("a page size of a million", "/api/products?limit=1000000", 400, ["1000000"], anonymous),
    get("a negative page size", "/api/products?limit=-5", 400, ["-5"], anonymous),
    get(
      "a forged cursor",
      "/api/products?cursor=eyJza3UiOiInIE9SIDE9MSJ9",
      400,
      ["eyJza3UiOiInIE9SIDE9MSJ9"],
      anonymous,
    ),
    get("a path traversal for a SKU", "/api/products/..%2F..%2Fetc%2Fpasswd", 400, ["passwd"], anonymous),
    // Sizes
    order("a body over the limit", { padding: "p".repeat(70 * 1024) }, 413, ["pppppppp"]),
    post("JSON nested 20,000 deep", "/api/orders", deep, 400, ["[[[["]),
    get("an 8 KiB bearer token", "/api/me", 401, ["aaaaaaaa"], { token: "a".repeat(8 * 1024) }),
    get("an order id of 5,000 characters", `/api/orders/${"o".repeat(5000)}`, 400, ["oooooooo"]),
    // Encodings
    order("a text/plain body", {}, 415, [], { headers: { "content-type": "text/plain" } }),
    post("a form body", "/api/orders", "items=evil", 415, ["evil"], {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
    post("a multipart body", "/api/auth/register", "--x\r\n\r\nsneaky\r\n--x--", 415, ["sneaky"], {
      ...anonymous,
      headers: { "content-type": "multipart/form-data; boundary=x" },
    }),
    order("a gzip-labelled plain body", {}, 415, [], { headers: { "content-encoding": "gzip" } }),
    post("bytes that are not UTF-8", "/api/orders", new Uint8Array([0x7b, 0xff, 0xfe, 0x22, 0x7d]), 400, []),
    post("a JSON content type on a non-JSON body", "/api/orders", "items=1&evil=yes", 400, ["evil"]),
    // Tokens
    get("an unsigned token (alg none)", "/api/me", 401, ["u-admin"], {
      token: `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "u-admin", role: "admin" })}.`,
    }),
    get("a token MACed with the public key (alg confusion)", "/api/me", 401, [], { token: "hs256" }),
    get("an expired token", "/api/me", 401, [], { token: "expired" }),
    get("a token for another audience", "/api/me", 401, ["other-api"], { token: "audience" }),
    get("a token from another issuer", "/api/me", 401, ["evil-issuer"], { token: "issuer" }),
    get("a token signed with an unknown key", "/api/admin/streams", 401, [], { token: "rogue" }),
    get("a customer token with its role edited to admin", "/api/admin/streams", 401, [], {
      token: "tampered",
    }),
    get("Basic credentials", "/api/me", 401, ["YWRtaW46YWRtaW4"], {
      ...anonymous,
      headers: { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
    }),
    post(
      "a customer at an admin route",
      "/api/admin/products",
      json({ sku: "EVIL-1", name: "E", priceCents: 1, stock: 1 }),
      403,
      ["EVIL-1"],
    ),
    // Other users' ids
    get("another user's order", "/api/orders/VICTIM", 404, ["VICTIM"]),
    post("cancelling another user's order", "/api/orders/VICTIM/cancel", json({ reason: "mine now" }), 404, [
      "VICTIM",
      "mine now",
    ]),
    get("SQL as an order id", `/api/orders/${encodeURIComponent("' OR '1'='1")}`, 404, ["OR '1'='1"]),
    // Idempotency misuse
    order("an order without an Idempotency-Key", {}, 400, [], { key: false }),
    order("an Idempotency-Key of 300 characters", {}, 400, ["kkkkkkkk"], {
      headers: { "idempotency-key": "k".repeat(300) },
    }),
    order("an empty Idempotency-Key", {}, 400, [], { headers: { "idempotency-key": "" } }),
    order("a used Idempotency-Key with another body", item("MUG-001", 3), 422, ["USED"], {
      headers: { "idempotency-key": "USED" },
    }),
    post(
      "a registration without an Idempotency-Key",
      "/api/auth/register",
      register(`k-${randomUUID()}@bazaar.test`, "a-long-password"),
      400,
      [],
      {
        ...anonymous,
        key: false,
      },
    ),
    // Header injection (what fetch can send)
    post("markup in X-Request-Id, with a bad body", "/api/orders", "[]", 400, ["onerror"], {
      headers: { "x-request-id": "<img src=x onerror=alert(1)>" },
    }),
    order("a Content-Type with an injected parameter", {}, 415, ["<script>"], {
      headers: { "content-type": "text/html; charset=utf-8; boundary=<script>" },
    }),
  ];
}

/** The hand-written requests: response splitting, smuggling, bad lengths, huge headers, a slow body. */
export function rawHostileRequests(host: string): RawHostileRequest[] {
  const head = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;
  const postHead = (path: string, more: string[]) =>
    head([`POST ${path} HTTP/1.1`, `Host: ${host}`, "Content-Type: application/json", ...more]);
  return [
    {
      name: "a header value with a bare LF (response splitting)",
      chunks: [`GET /api/products HTTP/1.1\r\nHost: ${host}\r\nX-Evil: a\nSet-Cookie: pwned=1\r\n\r\n`],
      status: 400,
      hostile: ["pwned"],
    },
    {
      name: "both Content-Length and Transfer-Encoding (request smuggling)",
      chunks: [
        `${postHead("/api/orders", ["Content-Length: 4", "Transfer-Encoding: chunked"])}0\r\n\r\nGET /api/admin/streams HTTP/1.1\r\n\r\n`,
      ],
      status: 400,
      hostile: ["admin/streams"],
    },
    {
      name: "a negative Content-Length",
      chunks: [postHead("/api/orders", ["Content-Length: -1"])],
      status: 400,
      hostile: [],
    },
    {
      name: "a header block over 16 KiB",
      chunks: [head([`GET /api/products HTTP/1.1`, `Host: ${host}`, `X-Padding: ${"h".repeat(20 * 1024)}`])],
      status: 413,
      hostile: ["hhhhhhhh"],
    },
    {
      name: "a body that trickles in slower than the body timeout",
      chunks: [
        postHead("/api/auth/login", ["Content-Length: 60"]),
        ...Array.from({ length: 12 }, () => "     "),
      ],
      gapMs: 100,
      status: 400,
      hostile: [],
    },
  ];
}
