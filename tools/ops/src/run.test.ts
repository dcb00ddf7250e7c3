import { spawn } from "node:child_process";
import { join } from "node:path";
import { DEAD_LETTER_STREAM, inventory, orders, users } from "@bazaar/contracts";
import { freePort } from "@bazaar/testing";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "./exit-codes.js";
import { run } from "./run.js";
import { type OpsSystem, startOpsSystem } from "./test-support/system.js";

// The CLI against a real gateway over real HTTP, the whole system behind it on a real nats-server.

let t: OpsSystem;
let token = "";
beforeAll(async () => {
  t = await startOpsSystem();
  const login = await fetch(`${t.gatewayUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@bazaar.local", password: "bazaar-admin-dev" }),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

/** Runs `bazaar <argv>` in this process, as an admin (the token) unless `env` says otherwise. */
async function bazaar(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    env: { GATEWAY_URL: t.gatewayUrl, BAZAAR_TOKEN: token, ...env },
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

const json = <T>(text: string): T => JSON.parse(text) as T;

/** A user.registered event that notifications gave up on, written the way the kit writes dead letters. */
async function deadLetter(error: string): Promise<void> {
  const userId = `ops-user-${Math.random().toString(36).slice(2)}`;
  const envelope = {
    id: `evt-${userId}`,
    type: users.userRegistered.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "users",
    data: { userId, email: `${userId}@example.com`, name: "Ops User", role: "customer" },
  };
  const h = headers();
  for (const [k, v] of Object.entries({
    "Bazaar-Dlq-Stream": users.userRegistered.stream.name,
    "Bazaar-Dlq-Subject": users.userRegistered.subject,
    "Bazaar-Dlq-Sequence": "1",
    "Bazaar-Dlq-Consumer": "notifications__user-registered-v1",
    "Bazaar-Dlq-Service": "notifications",
    "Bazaar-Dlq-Deliveries": "5",
    "Bazaar-Dlq-Reason": "max_deliveries",
    "Bazaar-Dlq-Error": error,
    "Bazaar-Dlq-Failed-At": new Date().toISOString(),
  }))
    h.set(k, v);
  await t.caller.js.publish(`dlq.notifications.${users.userRegistered.subject}`, JSON.stringify(envelope), {
    headers: h,
    expect: { streamName: DEAD_LETTER_STREAM.name },
  });
}

/** An order whose refund keeps failing after shipping refused it: its saga requires attention. */
async function parkedSaga(): Promise<string> {
  const sku = `OPS-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
  await t.caller.client.call(
    inventory.createProduct,
    { sku, name: `Ops ${sku}`, priceCents: 1000, stock: 5 },
    { idempotencyKey: `create-${sku}` },
  );
  const placed = await t.caller.client.call(orders.placeOrder, {
    userId: "u-ops",
    items: [{ sku, quantity: 1 }],
    shippingAddress: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "AQ" },
    paymentMethod: { token: "tok_refundFails" },
    idempotencyKey: `ops-${sku}`,
  });
  await expect
    .poll(async () => (await t.caller.client.call(orders.getSaga, { sagaId: placed.sagaId })).status, {
      timeout: 30_000,
      interval: 100,
    })
    .toBe("requires_attention");
  return placed.sagaId;
}

describe("bazaar health and streams", () => {
  it("shows every service ready in a table, and exits 0", async () => {
    // On a loaded machine a readiness check can still be settling just after start: ask until all pass.
    let r = await bazaar(["health"]);
    await expect
      .poll(
        async () => {
          r = await bazaar(["health"]);
          return r.code;
        },
        { timeout: 15_000, interval: 250 },
      )
      .toBe(EXIT.ok);
    expect(r.code, r.stdout).toBe(EXIT.ok);
    expect(r.stdout.split("\n")[0]).toMatch(/^SERVICE\s+STATUS\s+INSTANCE\s+VERSION\s+FAILING CHECKS$/);
    for (const name of ["gateway", "orders", "order-views", "notifications"])
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s+pass\\s`, "m"));
    expect(r.stdout).toContain("every service is ready");
  });

  it("exits 1 and names the service when one is not ready, with --json a document a script can read", async () => {
    await t.system.stopService("shipping");
    try {
      const r = await bazaar(["health", "--json"]);
      expect(r.code).toBe(EXIT.problem);
      const health = json<{ status: string; services: Array<{ name: string; status: string }> }>(r.stdout);
      expect(health.status).toBe("fail");
      expect(health.services.find((s) => s.name === "shipping")?.status).toBe("fail");
    } finally {
      await t.system.startService("shipping");
    }
  });

  it("lists the streams and each consumer's backlog", async () => {
    const r = await bazaar(["streams"]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/^STREAM\s+MESSAGES\s+BYTES/m);
    expect(r.stdout).toMatch(/^ORDERS\s+\d+/m);
    expect(r.stdout).toMatch(/^ORDERS\s+order-views__order-placed-v1\s+\d+/m);
    const body = json<{ streams: Array<{ name: string }> }>((await bazaar(["streams", "--json"])).stdout);
    expect(body.streams.map((s) => s.name)).toContain("DEAD_LETTERS");
  });
});

describe("bazaar's exit codes and errors", () => {
  it("says the gateway is unreachable, and exits 4", async () => {
    const port = await freePort();
    const r = await bazaar(["streams"], { GATEWAY_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(EXIT.unreachable);
    expect(r.stderr).toContain(`the gateway at http://127.0.0.1:${port} cannot be reached (ECONNREFUSED)`);
    expect(r.stdout).toBe("");
  });

  it("says the token is refused, and exits 3", async () => {
    const r = await bazaar(["streams"], { BAZAAR_TOKEN: "not-a-token" });
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).toContain("the gateway refused the token for GET /api/admin/streams (HTTP 401");
  });

  it("logs in with ADMIN_EMAIL and ADMIN_PASSWORD when there is no token, and says so when they are wrong", async () => {
    const ok = await bazaar(["streams"], { BAZAAR_TOKEN: "", ADMIN_PASSWORD: "bazaar-admin-dev" });
    expect(ok.code).toBe(EXIT.ok);
    const wrong = await bazaar(["streams"], { BAZAAR_TOKEN: "", ADMIN_PASSWORD: "not-the-password" });
    expect(wrong.code).toBe(EXIT.auth);
    expect(wrong.stderr).toContain("the gateway refused to log in admin@bazaar.local (HTTP 401");
    expect(wrong.stderr).not.toContain("not-the-password");
  });

  it("refuses a customer's token for admin commands, and exits 3", async () => {
    const login = await fetch(`${t.gatewayUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "customer@bazaar.local", password: "bazaar-customer-dev" }),
    });
    const customer = ((await login.json()) as { accessToken: string }).accessToken;
    const r = await bazaar(["dlq", "ls"], { BAZAAR_TOKEN: customer });
    expect(r.code).toBe(EXIT.auth);
    expect(r.stderr).toContain("needs an admin's token (HTTP 403");
  });

  it("exits 2 on a wrong command line, before calling anything", async () => {
    for (const argv of [
      ["frobnicate"],
      ["dlq"],
      ["dlq", "replay"],
      ["dlq", "replay", "x1"],
      ["dlq", "discard", "3"],
      ["dlq", "discard", "--all", "--reason", "noise"],
      ["saga", "ls", "--status", "sideways"],
      ["saga", "ls", "--limit", "-3"],
      ["streams", "--no-such-option"],
    ]) {
      const r = await bazaar(argv, { GATEWAY_URL: "http://127.0.0.1:1" });
      expect(r.code, argv.join(" ")).toBe(EXIT.usage);
    }
    expect((await bazaar(["dlq", "discard", "--all", "--reason", "noise"])).stderr).toContain("add --yes");
  });

  it("keeps its exit code through the real executable, not only in-process", async () => {
    const port = await freePort();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        ["--conditions=@bazaar/source", "--import", "tsx", "src/cli.ts", "health"],
        {
          cwd: join(import.meta.dirname, ".."),
          env: { ...process.env, GATEWAY_URL: `http://127.0.0.1:${port}` },
          stdio: "ignore",
        },
      );
      child.once("exit", resolve);
    });
    expect(code).toBe(EXIT.unreachable);
  });
});

describe("bazaar dlq", () => {
  it("lists, shows, replays one, and discards the rest with a reason, with progress", async () => {
    await deadLetter("SMTP relay refused the connection");
    await deadLetter("template renderer crashed");
    await deadLetter("template renderer crashed again");

    const listed = json<{ items: Array<{ id: number; error: string }> }>(
      (await bazaar(["dlq", "ls", "--json"])).stdout,
    );
    expect(listed.items).toHaveLength(3);
    const smtp = listed.items.find((d) => d.error.startsWith("SMTP"));
    const table = await bazaar(["dlq", "ls", "--service", "notifications"]);
    expect(table.stdout).toMatch(/^\s*ID\s+SERVICE\s+EVENT\s+DELIVERIES\s+FAILED AT\s+ERROR$/m);
    expect(table.stdout).toMatch(
      /notifications\s+user\.registered\s+5\s+\S+\s+SMTP relay refused the connection/,
    );

    const shown = await bazaar(["dlq", "show", String(smtp?.id)]);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(/^consumer\s+notifications__user-registered-v1$/m);
    expect(shown.stdout).toContain('"name": "Ops User"');

    const replayed = await bazaar(["dlq", "replay", String(smtp?.id)]);
    expect(replayed.code).toBe(EXIT.ok);
    expect(replayed.stderr).toContain(
      `[1/1] replayed #${smtp?.id} to ${users.userRegistered.subject} (stream seq `,
    );
    expect(replayed.stdout).toBe("replayed 1 (of 1)");
    // Someone else (here: we) got there first: gone, not a failure.
    const again = await bazaar(["dlq", "replay", String(smtp?.id)]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toBe("replayed 0, 1 gone already (of 1)");

    const discarded = await bazaar([
      "dlq",
      "discard",
      "--all",
      "--yes",
      "--reason",
      "templates fixed by hand",
    ]);
    expect(discarded.code).toBe(EXIT.ok);
    expect(discarded.stderr).toMatch(/^\[1\/2\] discarded #\d+/m);
    expect(discarded.stderr).toMatch(/^\[2\/2\] discarded #\d+/m);
    expect(discarded.stdout).toBe("discarded 2 (of 2)");
    expect((await bazaar(["dlq", "ls"])).stdout).toBe("no dead letters");
    expect((await bazaar(["dlq", "show", String(smtp?.id)])).code).toBe(EXIT.refused);
  }, 60_000);
});

describe("bazaar saga", () => {
  it("lists sagas that require attention, shows one, and retries one and then all", async () => {
    const sagaId = await parkedSaga();
    const listed = json<{ items: Array<{ sagaId: string }> }>(
      (await bazaar(["saga", "ls", "--status", "requires_attention", "--json"])).stdout,
    );
    expect(listed.items.map((s) => s.sagaId)).toContain(sagaId);
    expect((await bazaar(["saga", "ls", "--status", "requires_attention"])).stdout).toMatch(
      new RegExp(`^${sagaId}\\s+\\S+\\s+requires_attention`, "m"),
    );

    const shown = await bazaar(["saga", "show", sagaId]);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toMatch(/^status\s+requires_attention$/m);
    expect(shown.stdout).toMatch(/^charge-payment\s+compensating\s+\d+\s+\d+\s+.*REFUND_FAILED/m);

    const one = await bazaar(["saga", "retry", sagaId]);
    expect(one.code).toBe(EXIT.ok);
    expect(one.stderr).toMatch(new RegExp(`^\\[1/1\\] retrying saga ${sagaId}: compensating`, "m"));
    await expect
      .poll(async () => (await t.caller.client.call(orders.getSaga, { sagaId })).status, { timeout: 30_000 })
      .toBe("requires_attention");

    const all = await bazaar(["saga", "retry", "--all"]);
    expect(all.code).toBe(EXIT.ok);
    expect(all.stdout).toMatch(/^retrying \d+ saga\(s\) that required attention/);
    expect(all.stdout).toContain(sagaId);
  }, 90_000);

  it("exits 1 when a saga to retry does not exist, naming the 404", async () => {
    const r = await bazaar(["saga", "retry", "00000000-0000-4000-8000-000000000000"]);
    expect(r.code).toBe(EXIT.problem);
    expect(r.stderr).toContain(
      "failed: POST /api/admin/sagas/00000000-0000-4000-8000-000000000000/retry failed (HTTP 404",
    );
    expect((await bazaar(["saga", "show", "00000000-0000-4000-8000-000000000000"])).code).toBe(EXIT.refused);
  });
});

describe("bazaar read-model", () => {
  it("rebuilds order-views, follows it to the end with --wait, and shows its status", async () => {
    const rebuilt = await bazaar(["read-model", "rebuild", "--wait"]);
    expect(rebuilt.code).toBe(EXIT.ok);
    expect(rebuilt.stdout).toMatch(/^state\s+completed$/m);
    const status = json<{ state: string; mode: string }>(
      (await bazaar(["read-model", "status", "--json"])).stdout,
    );
    expect(status.state).toBe("completed");
    expect(status.mode).toBe("replace");
  }, 60_000);
});
