// The broker permissions, enforced by a real nats-server started with the committed configuration
// (`pnpm broker:config`): each case connects as a service's own user, with its credentials and inbox
// prefix, and tries what that service must not be able to do, next to what it must.
import { DEAD_LETTER_STREAM, ORDERS_STREAM, orders, PAYMENTS_STREAM, USERS_STREAM } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection, usernamePasswordAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerName } from "../events/consumer.js";
import { createDeadLetters } from "../events/dead-letters.js";
import { ensureStream } from "../events/streams.js";
import { inboxPrefix } from "./inbox-prefix.js";

let nats: TestNats;
let operator: NatsConnection;
const open: NatsConnection[] = [];

/** A connection as `service`'s own user, as the kit makes it. */
async function as(service: string): Promise<NatsConnection> {
  const user = nats.credentialsFor(service);
  if (!user) throw new Error(`the broker has no user for ${service}`);
  const nc = await connect({
    servers: nats.url,
    authenticator: usernamePasswordAuthenticator(user.user, user.password),
    inboxPrefix: inboxPrefix(service),
    maxReconnectAttempts: 0,
  });
  open.push(nc);
  return nc;
}

const jsmOf = (nc: NatsConnection) => jetstreamManager(nc, { checkAPI: false, timeout: 2000 });
const violation = (subject: string) =>
  new RegExp(`Permissions Violation for Publish to "${subject.replace(/[$.*>]/g, "\\$&")}"`);

/** The asynchronous errors the server reports to a connection (a denied plain publish gets no other answer). */
function statusErrors(nc: NatsConnection): string[] {
  const errors: string[] = [];
  void (async () => {
    for await (const status of nc.status()) if (status.type === "error") errors.push(String(status.error));
  })();
  return errors;
}

/** How a subscription ended within a second: a permissions error, or still open. */
async function subscriptionOutcome(nc: NatsConnection, subject: string, queue?: string): Promise<string> {
  const sub = nc.subscribe(subject, queue ? { queue } : {});
  const outcome = await Promise.race([
    sub.closed.then((err) => (err ? String(err) : "closed")),
    new Promise<string>((resolve) => setTimeout(() => resolve("open"), 1000)),
  ]);
  sub.unsubscribe();
  return outcome;
}

beforeAll(async () => {
  nats = await startTestNats({ anonymous: "refused" });
  const op = nats.credentials?.operator;
  if (!op) throw new Error("the test broker has no operator");
  operator = await connect({
    servers: nats.url,
    authenticator: usernamePasswordAuthenticator(op.user, op.password),
  });
  const jsm = await jsmOf(operator);
  for (const stream of [USERS_STREAM, ORDERS_STREAM, PAYMENTS_STREAM, DEAD_LETTER_STREAM])
    await ensureStream(jsm, stream);
});

afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => undefined);
  await operator?.close();
  await nats?.dispose();
});

describe("connections", () => {
  it("refuses a connection without credentials, or with a wrong password", async () => {
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(
      /Authorization Violation/i,
    );
    await expect(
      connect({
        servers: nats.url,
        maxReconnectAttempts: 0,
        authenticator: usernamePasswordAuthenticator("orders", "not-the-password"),
      }),
    ).rejects.toThrow(/Authorization Violation/i);
  });
});

describe("events", () => {
  it("lets a service publish its own events, and no other service's", async () => {
    const before = (await (await jsmOf(operator)).streams.info("ORDERS")).state.messages;
    const own = await jetstream(await as("orders")).publish(orders.orderPlaced.subject, "{}", {
      msgID: "own-1",
    });
    expect(own.stream).toBe("ORDERS");
    await expect(
      jetstream(await as("notifications")).publish(orders.orderPlaced.subject, "{}", { msgID: "forged-1" }),
    ).rejects.toThrow(violation(orders.orderPlaced.subject));
    await expect(
      jetstream(await as("payments")).publish(orders.orderConfirmed.subject, "{}", { msgID: "forged-2" }),
    ).rejects.toThrow(violation(orders.orderConfirmed.subject));
    expect((await (await jsmOf(operator)).streams.info("ORDERS")).state.messages).toBe(before + 1);
  });

  it("lets a consumer write its own dead letters, and no one else's", async () => {
    const js = jetstream(await as("notifications"));
    expect(
      (await js.publish("dlq.notifications.evt.order.placed.v1", "{}", { msgID: "dl-own" })).stream,
    ).toBe("DEAD_LETTERS");
    await expect(js.publish("dlq.order-views.evt.order.placed.v1", "{}", { msgID: "dl-x" })).rejects.toThrow(
      violation("dlq.order-views.evt.order.placed.v1"),
    );
  });

  it("lets a consumer read its own dead letters' count and age, and no one else's letters", async () => {
    const nc = await as("notifications");
    await jetstream(nc).publish("dlq.notifications.evt.order.placed.v1", "{}", { msgID: "dl-own-age" });
    const stats = await createDeadLetters({ js: jetstream(nc), jsm: await jsmOf(nc) }).stats({
      service: "notifications",
    });
    expect(stats.count).toBeGreaterThan(0);
    expect(stats.oldestAt).toBeInstanceOf(Date);
    // Reading another service's dead letters (their payloads are that service's business) is refused.
    await expect(
      jetstream(nc).consumers.get(DEAD_LETTER_STREAM.name, { filter_subjects: "dlq.order-views.>" }),
    ).rejects.toThrow(/Permissions Violation|timeout/i);
  });
});

describe("RPCs", () => {
  it("lets a service request only the RPCs it declares it calls", async () => {
    const responder = operator.subscribe("rpc.payments.>", {
      callback: (err, msg) => {
        if (!err) msg.respond("ok");
      },
    });
    await operator.flush();
    try {
      // orders calls payments.refund; the gateway only payments.getPayment.
      expect(
        (await (await as("orders")).request("rpc.payments.refund", "{}", { timeout: 2000 })).string(),
      ).toBe("ok");
      const gateway = await as("gateway");
      expect((await gateway.request("rpc.payments.getPayment", "{}", { timeout: 2000 })).string()).toBe("ok");
      await expect(gateway.request("rpc.payments.refund", "{}", { timeout: 2000 })).rejects.toThrow(
        violation("rpc.payments.refund"),
      );
      await expect(
        (await as("notifications")).request("rpc.orders.getOrder", "{}", { timeout: 2000 }),
      ).rejects.toThrow(violation("rpc.orders.getOrder"));
    } finally {
      responder.unsubscribe();
    }
  });

  it("lets a service answer only its own endpoints, and only in its queue group", async () => {
    const users = await as("users");
    expect(await subscriptionOutcome(users, "rpc.users.jwks", "q")).toBe("open");
    // Outside the queue group it would see every request instead of its share.
    expect(await subscriptionOutcome(users, "rpc.users.jwks")).toMatch(
      /Permissions Violation for Subscription/,
    );
    expect(await subscriptionOutcome(users, "rpc.users.jwks", "rogue")).toMatch(/Permissions Violation/);
    // Answering the gateway's key fetches is how a rogue service would forge admin tokens.
    for (const rogue of ["notifications", "orders", "gateway"]) {
      expect(await subscriptionOutcome(await as(rogue), "rpc.users.jwks", "q"), rogue).toMatch(
        /Permissions Violation for Subscription to "rpc.users.jwks"/,
      );
      expect(await subscriptionOutcome(await as(rogue), "rpc.users.>")).toMatch(/Permissions Violation/);
    }
  });

  it("delivers a service's replies to it alone: no one else may subscribe to its inbox", async () => {
    const payments = await as("payments");
    expect(await subscriptionOutcome(payments, `${inboxPrefix("payments")}.>`)).toBe("open");
    expect(await subscriptionOutcome(payments, `${inboxPrefix("orders")}.>`)).toMatch(
      /Permissions Violation/,
    );
    expect(await subscriptionOutcome(payments, "_INBOX.>")).toMatch(/Permissions Violation/);
    expect(await subscriptionOutcome(payments, ">")).toMatch(/Permissions Violation/);
    // Nor publish into it: a forged reply to orders' own requests.
    const js = jetstream(payments);
    await expect(js.publish(`${inboxPrefix("orders")}.abc.def`, "{}")).rejects.toThrow(
      /Permissions Violation/,
    );
  });
});

describe("streams", () => {
  it("lets a service create and update only the streams it owns, and delete or purge none", async () => {
    const own = await jsmOf(await as("orders"));
    expect(await ensureStream(own, ORDERS_STREAM)).toBe("unchanged");
    await expect(own.streams.purge("ORDERS")).rejects.toThrow(violation("$JS.API.STREAM.PURGE.ORDERS"));
    await expect(own.streams.delete("ORDERS")).rejects.toThrow(violation("$JS.API.STREAM.DELETE.ORDERS"));
    const other = await jsmOf(await as("notifications"));
    await expect(
      other.streams.update("ORDERS", { subjects: ["evt.order.>", "rpc.users.jwks"] }),
    ).rejects.toThrow(/Permissions Violation/);
    await expect(other.streams.add({ name: "ROGUE", subjects: ["rpc.users.>"] })).rejects.toThrow(
      violation("$JS.API.STREAM.CREATE.ROGUE"),
    );
    await expect(other.streams.delete("ORDERS")).rejects.toThrow(violation("$JS.API.STREAM.DELETE.ORDERS"));
    await expect(other.streams.purge("PAYMENTS")).rejects.toThrow(violation("$JS.API.STREAM.PURGE.PAYMENTS"));
    await expect(other.streams.deleteMessage("ORDERS", 1)).rejects.toThrow(/Permissions Violation/);
    await expect(other.streams.delete(DEAD_LETTER_STREAM.name)).rejects.toThrow(/Permissions Violation/);
    await expect(other.streams.purge(DEAD_LETTER_STREAM.name)).rejects.toThrow(/Permissions Violation/);
    // Every consumer ensures the dead-letter stream (identical config: nothing changes).
    expect(await ensureStream(other, DEAD_LETTER_STREAM)).toBe("unchanged");
    expect((await (await jsmOf(operator)).streams.info("ORDERS")).config.subjects).toEqual(["evt.order.>"]);
  });
});

describe("consumers", () => {
  // notifications is partitioned: one durable per partition, each its own and nobody else's.
  const durable = consumerName("notifications", orders.orderPlaced, 0);

  it("lets a service consume through its own durables, never through another service's", async () => {
    const own = await as("notifications");
    const ownJsm = await jsmOf(own);
    await ownJsm.consumers.add("ORDERS", {
      durable_name: durable,
      filter_subject: orders.orderPlaced.subject,
      ack_policy: AckPolicy.Explicit,
    });
    await jetstream(operator).publish(orders.orderPlaced.subject, "{}", { msgID: "for-notifications" });
    const consumer = await jetstream(own).consumers.get("ORDERS", durable);
    const mine = await consumer.next({ expires: 2000 });
    expect(mine?.subject).toBe(orders.orderPlaced.subject);
    mine?.ack();
    await own.flush();

    const rogue = await as("order-views");
    const rogueJsm = await jsmOf(rogue);
    // Stealing its messages, deleting it, or rewriting it (its filter, by name or through the anonymous create).
    await expect(
      rogue.request(`$JS.API.CONSUMER.MSG.NEXT.ORDERS.${durable}`, "{}", { timeout: 2000 }),
    ).rejects.toThrow(/Permissions Violation/);
    await expect(rogueJsm.consumers.delete("ORDERS", durable)).rejects.toThrow(/Permissions Violation/);
    await expect(
      rogueJsm.consumers.update("ORDERS", durable, { filter_subject: "evt.order.nothing.v1" }),
    ).rejects.toThrow(/Permissions Violation/);
    await expect(
      rogue.request(
        "$JS.API.CONSUMER.CREATE.ORDERS",
        JSON.stringify({
          stream_name: "ORDERS",
          action: "update",
          config: { name: durable, filter_subject: "x" },
        }),
        { timeout: 2000 },
      ),
    ).rejects.toThrow(/Permissions Violation/);
    // Nor ack (or nak, or term) its messages.
    const errors = statusErrors(rogue);
    rogue.publish(`$JS.ACK.ORDERS.${durable}.1.1.1.1.0`, "+NAK");
    await rogue.flush();
    await expect
      .poll(() => errors.join("\n"))
      .toMatch(/Permissions Violation for Publish to "\$JS\.ACK\.ORDERS/);
    expect((await (await jsmOf(operator)).consumers.info("ORDERS", durable)).config.filter_subject).toBe(
      orders.orderPlaced.subject,
    );
  });

  it("lets a service read the events it consumes with its own ephemeral reads, and no others", async () => {
    const views = await as("order-views");
    // order-views consumes order.placed: an ordered read of it is allowed.
    const read = await jetstream(views).consumers.get("ORDERS", {
      deliver_policy: DeliverPolicy.All,
      filter_subjects: orders.orderPlaced.subject,
    });
    expect((await read.info()).num_pending).toBeGreaterThan(0);
    // notifications does not consume order.requires_attention, nor payments' refunds.
    const notifications = jetstream(await as("notifications"));
    await expect(
      notifications.consumers.get("ORDERS", {
        deliver_policy: DeliverPolicy.All,
        filter_subjects: orders.orderRequiresAttention.subject,
      }),
    ).rejects.toThrow(/Permissions Violation/);
    await expect((await jsmOf(await as("inventory"))).streams.info("ORDERS")).rejects.toThrow(
      /Permissions Violation/,
    );
  });
});
