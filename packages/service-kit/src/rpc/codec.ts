import type { MsgHdrs } from "@nats-io/transport-node";
import { type AppError, BadRequestError, errorFromBody, InternalError } from "../errors/app-error.js";
import { H, headerOf } from "../nats/headers.js";

/** A reply as the caller reads it: a NATS message, or the same bytes and headers from an in-process call. */
export interface WireReply {
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** `decodeRequest` reads a JSON request body; an empty body is `{}`. */
export function decodeRequest(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  try {
    return JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new BadRequestError("request body is not valid JSON", { cause: err });
  }
}

/** `decodeReply` reads a JSON reply body; a malformed reply is the server's fault. */
export function decodeReply(data: Uint8Array, subject: string): unknown {
  if (data.length === 0) return {};
  try {
    return JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new InternalError(`malformed reply from ${subject}`, { cause: err });
  }
}

/** `isErrorReply` says whether a reply carries a service error. */
export function isErrorReply(msg: WireReply): boolean {
  return Boolean(headerOf(msg.headers, H.serviceErrorCode) || headerOf(msg.headers, H.errorCode));
}

/** `errorFromReply` turns an error reply into the typed error it stands for, marked remote. */
export function errorFromReply(msg: WireReply, subject: string): AppError {
  let body: unknown;
  try {
    body = msg.data.length ? JSON.parse(decoder.decode(msg.data)) : undefined;
  } catch {
    body = undefined;
  }
  const description = headerOf(msg.headers, H.serviceError) ?? `error from ${subject}`;
  const code = headerOf(msg.headers, H.errorCode);
  const err = errorFromBody(body ?? (code ? { code, message: description } : undefined), description);
  err.remote = true;
  return err;
}
