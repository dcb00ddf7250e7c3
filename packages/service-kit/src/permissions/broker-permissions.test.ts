import { orders, payments, users } from "@bazaar/contracts";
import { describe, expect, it } from "vitest";
import { declareService } from "../service/declare-service.js";
import { brokerAuthorizationConfig } from "./authorization-config.js";
import { deriveBrokerPermissions, type ServiceIdentity } from "./broker-permissions.js";

// Three services as their declarations say: one serves and emits, one calls it, one consumes its events.
const paymentsSvc = declareService({
  name: "payments",
  version: "1.0.0",
  description: "pays",
  emits: [payments.paymentCompleted],
});
const payments_ = paymentsSvc.define({
  serves: [paymentsSvc.handle(payments.charge, () => ({}) as never)],
});
const ordersSvc = declareService({
  name: "orders",
  version: "1.0.0",
  description: "orders",
  calls: [payments.charge, users.listUsers],
  emits: [orders.orderPlaced],
});
const orders_ = ordersSvc.define({});
const viewsSvc = declareService({ name: "views", version: "1.0.0", description: "reads" });
const views_ = viewsSvc.define({ consumes: [viewsSvc.on(payments.paymentCompleted, () => {})] });
const mailSvc = declareService({ name: "mail", version: "1.0.0", description: "mails" });
const mail_ = mailSvc.define({ consumes: [mailSvc.on(payments.paymentCompleted, () => {})] });

const all = deriveBrokerPermissions({ services: [payments_, orders_, views_, mail_], adminApi: ["orders"] });
const identity = (name: string): ServiceIdentity => {
  const found = all.services.find((s) => s.service === name);
  if (!found) throw new Error(`no identity for ${name}`);
  return found;
};

describe("deriveBrokerPermissions", () => {
  it("lets a service request exactly the RPCs it declares it calls", () => {
    const allow = identity("orders").publish.allow;
    expect(allow).toEqual(expect.arrayContaining(["rpc.payments.charge", "rpc.users.list"]));
    // payments.charge names its partition key, so each partition's subject is allowed too.
    expect(allow.filter((s) => s.startsWith("rpc."))).toEqual([
      "rpc.payments.charge",
      "rpc.payments.*.charge",
      "rpc.users.list",
    ]);
    // A streaming call also sends credit to its server's inbox, and only there.
    expect(allow).toContain("_INBOX_users.credit.*");
    expect(identity("views").publish.allow.filter((s) => s.startsWith("rpc."))).toEqual([]);
  });

  it("lets a service answer only its own endpoints, in its queue group, and receive replies on its own inbox", () => {
    const sub = identity("payments").subscribe.allow;
    expect(sub).toContain("rpc.payments.charge q");
    expect(sub.filter((s) => s.startsWith("rpc."))).toEqual(["rpc.payments.charge q"]);
    expect(sub).toContain("_INBOX_payments.>");
    expect(sub.filter((s) => s.startsWith("_INBOX"))).toEqual(["_INBOX_payments.>"]);
    expect(identity("payments").inboxPrefix).toBe("_INBOX_payments");
    expect(identity("payments").responses).toEqual({ max: 1, expiresMs: 60_000 });
  });

  it("lets a service publish only its own events and create or update only its own streams", () => {
    const allow = identity("payments").publish.allow;
    // Its event names its partition key, so each partition's subject is allowed too.
    expect(allow.filter((s) => s.startsWith("evt."))).toEqual([
      payments.paymentCompleted.subject,
      `${payments.paymentCompleted.subject}.*`,
    ]);
    expect(allow).toEqual(
      expect.arrayContaining([
        "$JS.API.STREAM.CREATE.PAYMENTS",
        "$JS.API.STREAM.UPDATE.PAYMENTS",
        "$JS.API.STREAM.INFO.PAYMENTS",
      ]),
    );
    const destructive = (name: string) =>
      identity(name).publish.allow.filter((s) => /STREAM\.(DELETE|PURGE)|MSG\.DELETE/.test(s));
    expect([...destructive("payments"), ...destructive("views")]).toEqual([]);
    // The admin API discards dead letters, and deletes nothing else.
    expect(destructive("orders")).toEqual(["$JS.API.STREAM.MSG.DELETE.DEAD_LETTERS"]);
    expect(identity("views").publish.allow.filter((s) => /STREAM\.(CREATE|UPDATE)\./.test(s))).toEqual([
      "$JS.API.STREAM.CREATE.DEAD_LETTERS",
      "$JS.API.STREAM.UPDATE.DEAD_LETTERS",
    ]);
  });

  it("lets a consumer use its own durables, and denies it every other service's", () => {
    const views = identity("views").publish;
    const own = "views__payment-completed-v1";
    const other = "mail__payment-completed-v1";
    expect(views.allow).toEqual(
      expect.arrayContaining([
        `$JS.API.CONSUMER.CREATE.PAYMENTS.${own}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.PAYMENTS.${own}`,
        `$JS.ACK.PAYMENTS.${own}.>`,
        // Ephemeral reads, filtered on an event it consumes.
        `$JS.API.CONSUMER.CREATE.PAYMENTS.*.${payments.paymentCompleted.subject}`,
        "dlq.views.>",
      ]),
    );
    expect(views.allow.filter((s) => s.includes(other))).toEqual([]);
    expect(views.deny).toEqual([
      `$JS.API.CONSUMER.CREATE.PAYMENTS.${other}`,
      `$JS.API.CONSUMER.CREATE.PAYMENTS.${other}.>`,
      `$JS.API.CONSUMER.DURABLE.CREATE.PAYMENTS.${other}`,
      `$JS.API.CONSUMER.MSG.NEXT.PAYMENTS.${other}`,
      `$JS.API.CONSUMER.DELETE.PAYMENTS.${other}`,
    ]);
    // The create that names no consumer (it could rewrite any) is never allowed.
    const everyone = all.services.flatMap((s) => s.publish.allow);
    expect(
      everyone.filter((s) => s === "$JS.API.CONSUMER.CREATE.PAYMENTS" || s === "$JS.API.CONSUMER.CREATE.*"),
    ).toEqual([]);
  });

  it("gives the admin API's service its grants, and no one else", () => {
    expect(identity("orders").subscribe.allow).toEqual(expect.arrayContaining(["evt.>", "dlq.>"]));
    expect(identity("orders").publish.allow).toEqual(
      expect.arrayContaining(["$JS.API.STREAM.LIST", "$JS.API.STREAM.MSG.DELETE.DEAD_LETTERS", "$SRV.INFO"]),
    );
    // A replay republishes on the original subject: every declared event, nothing else.
    expect(identity("orders").publish.allow.filter((s) => s.startsWith("evt."))).toEqual([
      orders.orderPlaced.subject,
      `${orders.orderPlaced.subject}.*`,
      payments.paymentCompleted.subject,
      `${payments.paymentCompleted.subject}.*`,
    ]);
    expect(identity("payments").subscribe.allow).not.toContain("evt.>");
  });

  it("gives a partitioned consumer one durable per partition, which every other consumer is denied", () => {
    const ledgerSvc = declareService({
      name: "ledger",
      version: "1.0.0",
      description: "books",
      store: { schema: {}, modules: [] },
      partitioned: true,
    });
    const ledger_ = ledgerSvc.define({ consumes: [ledgerSvc.on(payments.paymentCompleted, () => {})] });
    const derived = deriveBrokerPermissions({ services: [payments_, views_, ledger_], partitions: 4 });
    const of = (name: string) => derived.services.find((s) => s.service === name)?.publish;
    const durables = [0, 1, 2, 3].map((p) => `ledger__payment-completed-v1-p${p}`);
    expect(of("ledger")?.allow).toEqual(
      expect.arrayContaining([
        ...durables.map((d) => `$JS.API.CONSUMER.CREATE.PAYMENTS.${d}.>`),
        ...durables.map((d) => `$JS.ACK.PAYMENTS.${d}.>`),
        // Its ordered reads (a rebuild of one partition) filter on a partition's subject.
        `$JS.API.CONSUMER.CREATE.PAYMENTS.*.${payments.paymentCompleted.subject}.*`,
      ]),
    );
    expect(of("ledger")?.allow.some((s) => s.includes("-p4"))).toBe(false);
    expect(of("views")?.deny).toEqual(
      expect.arrayContaining(durables.map((d) => `$JS.API.CONSUMER.MSG.NEXT.PAYMENTS.${d}`)),
    );
  });

  it("refuses a service named like the operator, a service declared twice, an unknown admin service", () => {
    const op = declareService({ name: "operator", version: "1.0.0", description: "x" }).define({});
    expect(() => deriveBrokerPermissions({ services: [op] })).toThrow(/operator/);
    expect(() => deriveBrokerPermissions({ services: [views_, views_] })).toThrow(/twice/);
    expect(() => deriveBrokerPermissions({ services: [views_], adminApi: ["gateway"] })).toThrow(/gateway/);
  });
});

describe("brokerAuthorizationConfig", () => {
  it("names every user with its password variable, quotes every subject, and has no anonymous user", () => {
    const conf = brokerAuthorizationConfig(all);
    expect(conf).toContain('{ user: "operator", password: $NATS_PASSWORD_OPERATOR }');
    expect(conf).toContain('user: "views", password: $NATS_PASSWORD_VIEWS');
    expect(conf).toContain('"$JS.API.INFO"');
    expect(conf).toContain('"rpc.payments.charge q"');
    expect(conf).not.toMatch(/no_auth_user/);
    expect(conf).not.toMatch(/^\s*\$JS/m);
  });
});
