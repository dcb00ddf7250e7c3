import { join } from "node:path";
import {
  type BrokerIdentities,
  brokerIdentities,
  credentialsEnv,
  findNatsServer,
  installInstructions,
} from "@bazaar/nats-tools";
import { freePort } from "@bazaar/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type NatsNode, natsNode } from "./nats-node.js";
import { waitUntil } from "./wait-until.js";

export interface BrokerOptions {
  /** Who runs the system (`faults`, `bench`): it names the harness's own connections (`<harness>-probe`). */
  readonly harness: string;
  /** 1: one server; 3: a cluster on loopback, every stream replicated on all three. */
  readonly nodes: 1 | 3;
  readonly dir: string;
  readonly logDir: string;
  /** JetStream's `sync_interval` (default `always`, production's). */
  readonly syncInterval?: string;
}

/** The system's NATS: one server or a three-node cluster, each node killable and restartable. */
export interface Broker {
  /** Who runs the system (`BrokerOptions.harness`). */
  readonly harness: string;
  readonly nodes: readonly NatsNode[];
  /** Every node's client URL, comma-separated (what `NATS_URL` takes). */
  readonly url: string;
  readonly replicas: number;
  /** The operator's user (every permission): what the harness, the peers and the load connect as. */
  readonly operator: { readonly user: string; readonly password: string };
  /** The NATS user a service connects as (`NATS_USER`, `NATS_PASSWORD`): its own, with its permissions. */
  credentialsFor(service: string): { NATS_USER: string; NATS_PASSWORD: string };
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A client connection for the harness, as the broker's operator (reconnects forever). */
  connect(name: string): Promise<NatsConnection>;
  /** Waits until JetStream answers (a cluster has elected its meta leader). */
  jetStreamReady(timeoutMs: number): Promise<void>;
}

function natsServerBin(): string {
  const lookup = findNatsServer();
  if (!lookup.found) throw new Error(`the system under test needs nats-server.\n\n${installInstructions()}`);
  return lookup.found.path;
}

/** `createBroker` lays out the nodes (ports, folders, configs); `start()` runs them. */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const bin = natsServerBin();
  // The users production has: one per service with the permissions its declaration implies, and the
  // operator's; fresh passwords for each run.
  const identities: BrokerIdentities = brokerIdentities();
  const operator = identities.credentials.operator;
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < options.nodes; i++) {
    clientPorts.push(await freePort());
    if (options.nodes > 1) routePorts.push(await freePort());
  }
  const nodes = clientPorts.map((port, i) =>
    natsNode({
      bin,
      name: `n${i + 1}`,
      port,
      ...(options.nodes > 1 ? { cluster: { port: routePorts[i] as number, routes: routePorts } } : {}),
      dir: join(options.dir, `n${i + 1}`),
      logDir: options.logDir,
      authorization: identities.authorization,
      env: identities.env,
      ...(options.syncInterval ? { syncInterval: options.syncInterval } : {}),
    }),
  );
  const url = nodes.map((n) => n.url).join(",");
  const broker: Broker = {
    harness: options.harness,
    nodes,
    url,
    replicas: options.nodes,
    operator: { user: operator.user, password: operator.password },
    credentialsFor(service) {
      const user = identities.credentials.services[service];
      if (!user) throw new Error(`the broker has no user for ${service}: run \`pnpm broker:config\``);
      return credentialsEnv(user);
    },
    async start() {
      await Promise.all(nodes.filter((n) => !n.running).map((n) => n.start()));
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
    connect: (name) =>
      connect({
        servers: url.split(","),
        user: operator.user,
        pass: operator.password,
        name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: true,
        noAsyncTraces: true,
      }),
    async jetStreamReady(timeoutMs) {
      const nc = await broker.connect(`${options.harness}-probe`);
      try {
        await waitUntil(
          async () => {
            try {
              // The manager checks the JetStream API when it is made: it fails until a meta leader answers.
              await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
              return true;
            } catch {
              return false;
            }
          },
          { timeoutMs, intervalMs: 250, what: "JetStream is not available" },
        );
      } finally {
        await nc.close();
      }
    },
  };
  return broker;
}
