/**
 * The API fuzzer: `pnpm test:fuzz` (root) or `pnpm fuzz` (here). It starts a real system (nats-server, the
 * seven services on their SQLite files, the gateway), logs in through the gateway as the dev seed's
 * customer and admin, and runs schemathesis over the gateway's own `/openapi.json` with each token: no
 * server error, no undocumented status, bodies and media types as documented. Meanwhile it tails the admin
 * event stream (which never ends, so schemathesis cannot) and checks each message against the document.
 * Any failure fails the run. `FUZZ_MAX_EXAMPLES` (default 25) bounds the cases per operation;
 * `FUZZ_VENV` is the virtual environment with schemathesis (default `<repo>/.bin/fuzz-venv`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN, CUSTOMER, startSystem, type TestSystem } from "../system.js";
import { runSchemathesis } from "./schemathesis.js";

const REPO = fileURLToPath(new URL("../../../../../", import.meta.url));
const HERE = fileURLToPath(new URL(".", import.meta.url));
const VENV = process.env.FUZZ_VENV ?? join(REPO, ".bin", "fuzz-venv");
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? "25");
const REPORTS = join(REPO, "services", "gateway", ".test-results", "fuzz");
const EVENT_STREAM = "/api/admin/events/stream";

/**
 * Limits far above what a fuzz run sends, as `pnpm dev` does: every request should reach its route. A
 * 429 is still documented on every route, so one that does come is no failure.
 */
const FUZZ_GATEWAY_ENV = {
  RATE_LIMIT_USER: "1000000",
  RATE_LIMIT_ANONYMOUS: "1000000",
  RATE_LIMIT_AUTH: "1000000",
};

/** A token from the gateway's own login, as a client gets one (the dev seed's accounts). */
async function login(sys: TestSystem, account: { email: string; password: string }): Promise<string> {
  const res = await sys.api.post<{ accessToken: string }>("/api/auth/login", account, {
    idempotencyKey: false,
  });
  if (res.status !== 200) throw new Error(`login as ${account.email} answered ${res.status}: ${res.text}`);
  return res.body.accessToken;
}

/** A real order, so the event stream carries events (placed, reserved, paid...) while it is checked. */
const ORDER = {
  items: [{ sku: "MUG-001", quantity: 1 }],
  shippingAddress: { name: "Fuzz", line1: "1 Main St", city: "London", postalCode: "N1 1AA", country: "GB" },
  paymentMethod: { token: "tok_visa" },
};

/** The event-stream check, started before both runs so it sees the events they make. */
function tailEvents(baseUrl: string, token: string): { child: ChildProcess; done: Promise<number> } {
  const child = spawn(join(VENV, "bin", "python"), [join(HERE, "check_event_stream.py"), baseUrl, token], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? 1)));
  return { child, done };
}

async function main(): Promise<number> {
  const st = join(VENV, "bin", "st");
  if (!existsSync(st)) {
    console.error(
      `fuzz: no schemathesis at ${st}: python3 -m venv ${VENV} && ${VENV}/bin/pip install schemathesis`,
    );
    return 2;
  }
  mkdirSync(REPORTS, { recursive: true });
  const started = Date.now();
  const sys = await startSystem({ gatewayEnv: FUZZ_GATEWAY_ENV });
  try {
    const baseUrl = sys.gateway.url.replace(/\/$/, "");
    const customer = await login(sys, CUSTOMER);
    const admin = await login(sys, ADMIN);
    console.log(`fuzz: system up at ${baseUrl}; at most ${MAX_EXAMPLES} cases per operation`);
    const common = { bin: st, baseUrl, maxExamples: MAX_EXAMPLES };
    const events = tailEvents(baseUrl, admin);
    // Once the tail is subscribed (it says so), an order makes sure it has events to check.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const order = await sys.api.post("/api/orders", ORDER, { token: customer });
    if (order.status !== 202) throw new Error(`placing an order answered ${order.status}: ${order.text}`);
    const asCustomer = await runSchemathesis({
      ...common,
      name: "customer",
      token: customer,
      reportPath: join(REPORTS, "customer.xml"),
    });
    const asAdmin = await runSchemathesis({
      ...common,
      name: "admin",
      token: admin,
      // An admin's stream stays open (a request that never ends): the tail above checks its messages.
      excludePaths: [EVENT_STREAM],
      reportPath: join(REPORTS, "admin.xml"),
    });
    events.child.kill("SIGTERM");
    const stream = await events.done;
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `fuzz: customer ${asCustomer === 0 ? "passed" : "FAILED"}, admin ${asAdmin === 0 ? "passed" : "FAILED"}, event stream ${stream === 0 ? "passed" : "FAILED"} (${seconds} s)`,
    );
    return asCustomer === 0 && asAdmin === 0 && stream === 0 ? 0 : 1;
  } finally {
    await sys.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("fuzz: could not run", err);
    process.exit(2);
  },
);
