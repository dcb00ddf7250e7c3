import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";

/** Shorter values would match ordinary words and digits of a message; they say little about the request. */
const MIN_LENGTH = 3;

function leaves(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (typeof value === "number") into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) leaves(item, into);
  else if (value && typeof value === "object") for (const item of Object.values(value)) leaves(item, into);
}

/** The values a request carried: its path parameters, its query's values, and its JSON body's strings and numbers. */
export function requestValues(c: Context<GatewayEnv>): string[] {
  const values: string[] = [];
  leaves(c.req.param(), values);
  leaves(c.req.queries(), values);
  const body = c.get("bodyText");
  if (body) {
    try {
      leaves(JSON.parse(body), values);
    } catch {
      // not JSON: the body was refused as such, and its message quotes nothing of it
    }
  }
  return [...new Set(values.filter((v) => v.length >= MIN_LENGTH))].sort((a, b) => b.length - a.length);
}

/**
 * `withoutEcho` takes the request's values out of a message: the services' own messages name what they
 * looked up (`order <id> not found`), which is right between services and in logs, but at the public edge a
 * refusal never repeats what the client sent (a reflected value is how injection probes and phishing
 * links are built).
 */
export function withoutEcho(message: string, values: readonly string[]): string {
  let text = message;
  for (const value of values) text = text.split(value).join("…");
  return text;
}
