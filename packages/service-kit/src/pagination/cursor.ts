import { BadRequestError } from "../errors/app-error.js";

/**
 * Keyset pagination cursors: the sort key of the last row of a page, opaque to the client (base64url JSON).
 * A cursor that was tampered with or truncated is the client's error (BAD_REQUEST), never an INTERNAL.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** `decodeCursor` returns the key of an `encodeCursor` cursor with `arity` parts, or throws BAD_REQUEST. */
export function decodeCursor(cursor: string, arity: number): Array<string | number> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  if (
    !Array.isArray(key) ||
    key.length !== arity ||
    !key.every((k) => typeof k === "string" || typeof k === "number")
  ) {
    throw new BadRequestError("invalid cursor: pass back the nextCursor of the previous page", {
      issues: [{ path: "cursor", message: "is not a cursor this list gave out" }],
    });
  }
  return key as Array<string | number>;
}
