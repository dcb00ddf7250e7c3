import { randomInt } from "node:crypto";

/** `newTrackingNumber` is `BZ`, nine random digits and the destination country, e.g. `BZ042519377DE`. */
export function newTrackingNumber(country: string): string {
  return `BZ${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}${country}`;
}
