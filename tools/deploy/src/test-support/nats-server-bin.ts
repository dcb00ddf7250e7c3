import { existsSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "../repo.js";

/** The nats-server the test kit uses: NATS_SERVER_BIN, then the repo's .bin, then PATH. */
export function natsServerBin(root: string = findRepoRoot()): string {
  const local = join(root, ".bin", "nats-server");
  return process.env.NATS_SERVER_BIN ?? (existsSync(local) ? local : "nats-server");
}
