import { existsSync } from "node:fs";

/** Where Debian's `faketime` package puts the multi-threaded library (Node runs threads). */
const CANDIDATES = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/faketime/libfaketimeMT.so.1",
  "/usr/local/lib/faketime/libfaketimeMT.so.1",
];

/** `findFaketime` is the libfaketime to preload (`FAKETIME_LIB` first), or undefined. */
export function findFaketime(): string | undefined {
  const configured = process.env.FAKETIME_LIB;
  if (configured) return existsSync(configured) ? configured : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export const FAKETIME_INSTALL =
  "apt-get install -y faketime (Debian/Ubuntu), or set FAKETIME_LIB to libfaketimeMT.so.1";

/**
 * `skewedClock` is the environment that runs a process with its wall clock `offset` away (`+10s`,
 * `-2m`): libfaketime preloaded, monotonic clocks left alone (timers and timeouts keep their pace).
 */
export function skewedClock(lib: string, offset: string): Record<string, string> {
  return { LD_PRELOAD: lib, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: "1", FAKETIME_NO_CACHE: "1" };
}
