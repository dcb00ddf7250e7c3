import { join } from "node:path";
import { findNatsCli } from "./binaries.js";
import { brokerIdentities } from "./broker/broker-identities.js";
import { type BrokerCredentials, loadOrCreateCredentials } from "./broker/credentials.js";
import { type BrokerPermissionsFile, loadPermissions } from "./broker/permissions-file.js";
import { writeNatsContext } from "./context.js";
import { NatsToolsError } from "./errors.js";
import { ensureNatsBinaries } from "./install.js";
import { localDataDir } from "./paths.js";
import { parseNatsUrl, probeNats } from "./probe.js";
import { startNatsServer } from "./server.js";

/** `devCredentialsFile` is where the dev broker keeps its users' passwords (git-ignored, mode 0600). */
export function devCredentialsFile(storeDir: string = join(localDataDir(), "nats")): string {
  return join(storeDir, "credentials.json");
}

/** Thrown when the dev port is held by something that does not speak NATS. */
export class PortInUseError extends NatsToolsError {
  override readonly name = "PortInUseError";
}

export interface DevNatsOptions {
  /** Default `nats://127.0.0.1:4222`. */
  readonly url?: string;
  /** Default `<repo>/.data/nats`. */
  readonly storeDir?: string;
  readonly syncInterval?: string | undefined;
  readonly log?: (line: string) => void;
  /** Forward the server's own log lines. */
  readonly onServerLog?: (line: string) => void;
  /** Add and select the "bazaar" nats CLI context (default true; tests turn it off). */
  readonly writeContext?: boolean;
  /** Default: the committed permissions file (`pnpm broker:config` regenerates it). */
  readonly permissions?: BrokerPermissionsFile;
}

export interface DevNats {
  readonly url: string;
  /** True when a server was already listening and is reused. */
  readonly reused: boolean;
  readonly version: string | undefined;
  /** How the nats CLI reaches this server. */
  readonly context: { readonly command: string; readonly written: boolean };
  /** The operator's and each service's user (kept in `credentialsFile`, git-ignored, mode 0600). */
  readonly credentials: BrokerCredentials;
  readonly credentialsFile: string;
  /** Stops the server if this call started it; a reused server is left alone. */
  stop(): Promise<void>;
}

/**
 * `startDevNats` gives development a JetStream broker: it reuses a NATS server already on the URL,
 * refuses a port held by anything else (naming the variable to change), or provisions and starts one
 * with its store under `.data/nats`. The broker it starts enforces the permissions file: every service
 * connects as its own user, the `nats` CLI context as the operator, and anonymous connections are refused.
 * The passwords are made once and kept next to the store (`credentials.json`).
 */
export async function startDevNats(options: DevNatsOptions = {}): Promise<DevNats> {
  const url = options.url ?? "nats://127.0.0.1:4222";
  const log = options.log ?? ((line: string) => console.error(line));
  const { host, port } = parseNatsUrl(url);
  const probe = await probeNats(url);
  if (probe.kind === "other") {
    throw new PortInUseError(
      `port ${port} on ${host} is taken by something that is not a NATS server.\n` +
        `Stop it, or choose another port: NATS_URL=nats://${host}:${port + 1} pnpm dev`,
    );
  }
  const storeDir = options.storeDir ?? join(localDataDir(), "nats");
  const permissions = options.permissions ?? loadPermissions();
  const credentialsFile = devCredentialsFile(storeDir);
  const credentials = loadOrCreateCredentials({
    file: credentialsFile,
    operator: permissions.operator.user,
    services: permissions.services.map((s) => s.service),
  });
  const contextFor = (target: string): DevNats["context"] =>
    writeNatsContext({
      cli: options.writeContext === false ? undefined : findNatsCli().found?.path,
      url: target,
      user: credentials.operator,
    });
  if (probe.kind === "nats") {
    // nats-server leaves `jetstream` out of its INFO when JetStream is off.
    if (probe.info.jetstream !== true) {
      throw new PortInUseError(
        `the NATS server on ${url} has JetStream disabled; Bazaar needs JetStream. Stop it, or set NATS_URL to another server.`,
      );
    }
    const context = contextFor(url);
    log(`reusing the NATS server already listening on ${url} (v${probe.info.version ?? "?"})`);
    return {
      url,
      reused: true,
      version: probe.info.version,
      context,
      credentials,
      credentialsFile,
      stop: async () => {},
    };
  }
  // Binaries are needed only to start a server of our own (a reused one may run anywhere, e.g. a container).
  const binaries = ensureNatsBinaries({ log });
  const identities = brokerIdentities({ permissions, credentials });
  const server = await startNatsServer({
    bin: binaries.server.path,
    host,
    port,
    storeDir,
    syncInterval: options.syncInterval,
    serverName: "bazaar-dev",
    authorization: identities.authorization,
    env: identities.env,
    // Its own process group: Ctrl-C reaches the dev runner, which stops the services before the broker.
    detached: true,
    ...(options.onServerLog ? { onLog: options.onServerLog } : {}),
  });
  const context = contextFor(server.url);
  log(
    `nats-server v${server.version ?? binaries.server.version} listening on ${server.url} (JetStream store ${storeDir}${options.syncInterval ? `, sync_interval ${options.syncInterval}` : ""}; one user per service, operator credentials in ${credentialsFile})`,
  );
  return {
    url: server.url,
    reused: false,
    version: server.version,
    context,
    credentials,
    credentialsFile,
    stop: () => server.stop(),
  };
}
