import { users } from "@bazaar/contracts";
import { ConfigError, createLogger } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotificationsConfig } from "./declaration.js";
import { service } from "./service.js";
import { envelopeOf, givenSourceStreams, isSent, publish, waitForRow } from "./test-support/events.js";
import { type SmtpSink, startSmtpSink } from "./test-support/smtp-sink.js";
import { selectTransport } from "./transports/select-transport.js";

let nats: TestNats;
let sink: SmtpSink;
let svc: TestService;
let operator: TestClient;

beforeAll(async () => {
  nats = await startTestNats();
  operator = await createTestClient(nats.url);
  sink = await startSmtpSink();
  svc = await startTestService(service, {
    natsUrl: nats.url,
    env: {
      NOTIFY_TRANSPORT: "smtp",
      NOTIFY_POLL_MS: "20",
      NOTIFY_BACKOFF_MS: "50",
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(sink.port),
      SMTP_USER: "mailer",
      SMTP_PASSWORD: "s3cret",
      SMTP_FROM: "Bazaar Shop <orders@shop.example>",
    },
  });
  await givenSourceStreams(svc, operator);
});

afterAll(async () => {
  await operator?.close();
  await svc?.stop();
  await sink?.close();
  await nats?.dispose();
});

async function register(userId: string, email: string): Promise<string> {
  const envelope = envelopeOf(users.userRegistered, { userId, email, name: "Ada", role: "customer" });
  await publish(operator, users.userRegistered, envelope);
  return envelope.id;
}

describe("the SMTP transport (NOTIFY_TRANSPORT=smtp)", () => {
  it("sends plain text with From, To, Subject and a Message-ID derived from the notification", async () => {
    const row = await waitForRow(svc.runtime, await register("u-smtp", "ada@example.com"), isSent);
    const mails = sink.mails.filter((m) => m.to.includes("ada@example.com"));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.from).toBe("orders@shop.example");
    expect(mail?.headers).toMatchObject({
      from: "Bazaar Shop <orders@shop.example>",
      to: "ada@example.com",
      subject: "Welcome to Bazaar",
      "message-id": `<${row.id}@shop.example>`,
    });
    expect(mail?.headers["content-type"]).toContain("text/plain");
    expect(mail?.body).toContain("Hi Ada,");
    expect(row.messageId).toBe(`<${row.id}@shop.example>`);
    expect(sink.logins).toContain("mailer:s3cret");
  });

  it("retries a message the server refused, with the same Message-ID", async () => {
    sink.refuseNext(1);
    const row = await waitForRow(svc.runtime, await register("u-refused", "bob@example.com"), isSent);
    const mails = sink.mails.filter((m) => m.to.includes("bob@example.com"));
    expect(mails.map((m) => m.accepted)).toEqual([false, true]);
    expect(new Set(mails.map((m) => m.headers["message-id"]))).toEqual(new Set([`<${row.id}@shop.example>`]));
    expect(row.attempts).toBe(2);
    expect(row.lastError).toContain("451");
  });
});

describe("selectTransport", () => {
  const log = createLogger({ service: "notifications", instance: "test", level: "silent", pretty: false });
  const config = (overrides: Partial<NotificationsConfig>) =>
    ({
      NOTIFY_TRANSPORT: "smtp",
      SMTP_PORT: 587,
      SMTP_FROM: "x <a@b.c>",
      ...overrides,
    }) as NotificationsConfig;

  it("refuses SMTP without a host, or a user without a password", () => {
    expect(() => selectTransport(config({}), log)).toThrow(ConfigError);
    expect(() => selectTransport(config({}), log)).toThrow(/^SMTP_HOST: required/);
    expect(() => selectTransport(config({ SMTP_HOST: "mail", SMTP_USER: "u" }), log)).toThrow(
      /^SMTP_PASSWORD/,
    );
    expect(selectTransport(config({ SMTP_HOST: "mail" }), log).name).toBe("smtp");
    expect(selectTransport(config({ NOTIFY_TRANSPORT: "store" }), log).name).toBe("store");
  });
});
