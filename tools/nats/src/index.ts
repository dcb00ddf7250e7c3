export {
  type BinarySource,
  describeLookup,
  type FindOptions,
  type FoundBinary,
  findNatsCli,
  findNatsServer,
  type Lookup,
  type RejectedBinary,
  readVersion,
} from "./binaries.js";
export { type NatsContextOptions, type NatsContextResult, writeNatsContext } from "./context.js";
export { type DevNats, type DevNatsOptions, PortInUseError, startDevNats } from "./dev-server.js";
export {
  NatsServerNotFoundError,
  NatsServerStartError,
  NatsServerUnusableError,
  NatsToolsError,
} from "./errors.js";
export {
  type EnsuredBinaries,
  type EnsureOptions,
  ensureNatsBinaries,
  goAvailable,
  installInstructions,
} from "./install.js";
export { findRepoRoot, localBinDir, localDataDir } from "./paths.js";
export { type NatsServerInfo, type ProbeResult, parseNatsUrl, probeNats } from "./probe.js";
export { type NatsServerProcess, type StartNatsServerOptions, startNatsServer } from "./server.js";
export {
  CLI_MODULE,
  compareVersions,
  MINIMUM_SERVER_VERSION,
  PINNED_CLI_VERSION,
  PINNED_SERVER_VERSION,
  parseVersion,
  SERVER_MODULE,
} from "./versions.js";
