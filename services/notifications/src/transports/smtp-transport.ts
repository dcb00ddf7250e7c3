import { createTransport } from "nodemailer";
import type { Transport } from "./transport.js";

export interface SmtpTransportOptions {
  readonly host: string;
  readonly port: number;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** The `From` header, e.g. `Bazaar <no-reply@bazaar.local>`. */
  readonly from: string;
  /** Bounds each stage of an SMTP conversation, so one stuck server cannot hold the dispatcher. */
  readonly timeoutMs?: number;
}

/**
 * `createSmtpTransport` sends plain-text email with nodemailer. Port 465 means implicit TLS (`secure`);
 * any other port upgrades with STARTTLS when the server offers it. The notification's stable Message-ID
 * is sent as is, so a message resent after a lost answer is recognisably the same message.
 */
export function createSmtpTransport({
  host,
  port,
  user,
  password,
  from,
  timeoutMs = 30_000,
}: SmtpTransportOptions): Transport {
  const mailer = createTransport({
    host,
    port,
    secure: port === 465,
    ...(user ? { auth: { user, pass: password ?? "" } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    name: "smtp",
    send: async (message) => {
      const info = await mailer.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.body,
        messageId: message.messageId,
      });
      return { messageId: info.messageId };
    },
    close: () => mailer.close(),
  };
}
