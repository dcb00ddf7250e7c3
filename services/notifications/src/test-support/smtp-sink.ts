import { once } from "node:events";
import { createServer, type Socket } from "node:net";

/** One message an SMTP client handed over (accepted or refused). */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** Header names in lower case; the last value wins. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly accepted: boolean;
}

/** A tiny real SMTP server for tests: it speaks enough SMTP for nodemailer and records every message. */
export interface SmtpSink {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** `user:password` pairs that authenticated. */
  readonly logins: string[];
  /** Refuse the next `n` messages with a temporary error (451). */
  refuseNext(n: number): void;
  close(): Promise<void>;
}

/** `startSmtpSink` listens on a free local port (plain SMTP with AUTH PLAIN; no TLS, so no STARTTLS). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const logins: string[] = [];
  const sockets = new Set<Socket>();
  let refusals = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setEncoding("utf8");
    const reply = (line: string): void => {
      socket.write(`${line}\r\n`);
    };
    let buffer = "";
    let data: string[] | undefined;
    let from = "";
    let to: string[] = [];
    let awaitingAuth = false;
    const login = (encoded: string): string => {
      const [, user = "", password = ""] = Buffer.from(encoded, "base64").toString("utf8").split("\0");
      logins.push(`${user}:${password}`);
      return "235 2.7.0 authenticated";
    };
    /** The answer to one line from the client, or nothing while a message's lines arrive. */
    const answer = (line: string): string | undefined => {
      if (data) {
        if (line !== ".") {
          data.push(line.startsWith("..") ? line.slice(1) : line);
          return undefined;
        }
        const accepted = refusals === 0;
        if (!accepted) refusals--;
        mails.push({ from, to, ...parse(data), accepted });
        data = undefined;
        return accepted ? "250 2.0.0 queued" : "451 4.3.0 try again later";
      }
      if (awaitingAuth) {
        awaitingAuth = false;
        return login(line);
      }
      const [verb = "", ...rest] = line.split(" ");
      const arg = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO":
          return "250-sink.test\r\n250-AUTH PLAIN\r\n250 8BITMIME";
        case "HELO":
          return "250 sink.test";
        case "AUTH":
          if (rest.length > 1) return login(rest[1] ?? "");
          awaitingAuth = true;
          return "334 ";
        case "MAIL":
          from = address(arg);
          to = [];
          return "250 2.1.0 ok";
        case "RCPT":
          to.push(address(arg));
          return "250 2.1.5 ok";
        case "DATA":
          data = [];
          return "354 end with <CRLF>.<CRLF>";
        case "RSET":
        case "NOOP":
          return "250 ok";
        case "QUIT":
          return "221 bye";
        default:
          return "502 5.5.2 not implemented";
      }
    };
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const response = answer(line);
        if (response) reply(response);
        if (response?.startsWith("221")) socket.end();
      }
    });
    reply("220 sink.test ESMTP ready");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    port,
    mails,
    logins,
    refuseNext: (n) => {
      refusals = n;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const address = (arg: string): string => /<([^>]*)>/.exec(arg)?.[1] ?? "";

/** Splits a message into unfolded headers and a body. */
function parse(lines: readonly string[]): { headers: Record<string, string>; body: string } {
  const blank = lines.indexOf("");
  const headerLines = blank >= 0 ? lines.slice(0, blank) : lines;
  const headers: Record<string, string> = {};
  let last = "";
  for (const line of headerLines) {
    if (/^\s/.test(line) && last) headers[last] += ` ${line.trim()}`;
    else {
      const colon = line.indexOf(":");
      last = line.slice(0, colon).trim().toLowerCase();
      headers[last] = line.slice(colon + 1).trim();
    }
  }
  return { headers, body: blank >= 0 ? lines.slice(blank + 1).join("\n") : "" };
}
