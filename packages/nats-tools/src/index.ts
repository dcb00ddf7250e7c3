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
export { AUTHORIZATION_FILE, anonymousAs, loadAuthorization, passwordEnv } from "./broker/authorization.js";
export {
  type BrokerIdentities,
  type BrokerIdentitiesOptions,
  brokerIdentities,
} from "./broker/broker-identities.js";
export {
  type BrokerCredentials,
  credentialsEnv,
  loadOrCreateCredentials,
  type NatsUser,
  newCredentials,
} from "./broker/credentials.js";
export {
  type BrokerPermissionsFile,
  loadPermissions,
  PERMISSIONS_FILE,
  parsePermissions,
  type ServicePermissions,
  type SubjectRules,
} from "./broker/permissions-file.js";
export { type NatsContextOptions, type NatsContextResult, writeNatsContext } from "./context.js";
export {
  type DevNats,
  type DevNatsOptions,
  devCredentialsFile,
  PortInUseError,
  startDevNats,
} from "./dev-server.js";
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
