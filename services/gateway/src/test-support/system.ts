import { rmSync } from "node:fs";
import { users as usersContracts } from "@bazaar/contracts";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { service as gatewayDefinition } from "../service.js";
import { type HttpClient, http } from "./http.js";
import { serviceDefinition } from "./service-definitions.js";
import { createSigningKey, type TestSigningKey } from "./signing-key.js";

export type ServiceName =
  | "users"
  | "inventory"
  | "payments"
  | "shipping"
  | "orders"
  | "order-views"
  | "notifications";

const SERVICES: readonly ServiceName[] = [
  "users",
  "inventory",
  "payments",
  "shipping",
  "orders",
  "order-views",
  "notifications",
];

export const ADMIN = { email: "admin@bazaar.local", password: "bazaar-admin-dev" } as const;
export const CUSTOMER = { email: "customer@bazaar.local", password: "bazaar-customer-dev" } as const;

export interface SystemOptions {
  /** Gateway variables (on top of test defaults that keep rate limits out of the way). */
  readonly gatewayEnv?: Record<string, string>;
  /** Per-service variables. */
  readonly env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Which services to start besides the gateway (default: all seven). */
  readonly services?: readonly ServiceName[];
}

/** The whole system for one test file: a real nats-server, every service in-process, and the gateway. */
export interface TestSystem {
  readonly nats: TestNats;
  readonly gateway: TestService;
  readonly api: HttpClient;
  /** An RPC client on its own connection, for what a test sets up behind the gateway's back. */
  readonly client: TestClient;
  /** The key users signs with (its `JWT_PRIVATE_JWK`), so tests can forge tokens. */
  readonly signingKey: TestSigningKey;
  service(name: ServiceName): TestService;
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName, env?: Record<string, string>): Promise<TestService>;
  /** A token for an account, from users directly (so the gateway's stricter auth rate limit is spared). */
  login(account: { email: string; password: string }): Promise<{ token: string; userId: string }>;
  /** A new customer account and its token. */
  newCustomer(name?: string): Promise<{ token: string; userId: string; email: string }>;
  dispose(): Promise<void>;
}

/**
 * The services of a test system share this process but stand for one process each, as they run in
 * production: their calls go over the broker (permissions, `nats micro stats`), not handed over in the
 * process as the modular monolith does.
 */
export const AS_SEPARATE_PROCESSES = { RPC_LOCAL_DISPATCH: "false" } as const;

const GATEWAY_TEST_ENV = {
  ...AS_SEPARATE_PROCESSES,
  RATE_LIMIT_USER: "100000",
  RATE_LIMIT_ANONYMOUS: "100000",
  RATE_LIMIT_AUTH: "100000",
  DISCOVERY_MAX_WAIT_MS: "1000",
  DISCOVERY_STALL_MS: "150",
};

let customers = 0;

/**
 * `startSystem` starts nats-server, the seven services (users and inventory seeded; users signing with a
 * key the test made) and the gateway, in parallel where they do not depend on each other.
 */
export async function startSystem(options: SystemOptions = {}): Promise<TestSystem> {
  const nats = await startTestNats();
  const signingKey = await createSigningKey("test-key-1");
  const running = new Map<ServiceName, TestService>();
  const baseEnv: Record<ServiceName, Record<string, string>> = {
    users: { SEED: "true", JWT_PRIVATE_JWK: signingKey.privateJwkJson },
    inventory: { SEED: "true" },
    payments: {},
    shipping: {},
    orders: {
      SAGA_RETRY_BASE_MS: "20",
      SAGA_RETRY_MAX_MS: "100",
      SAGA_STEP_BUDGET_MS: "1500",
      SAGA_COMPENSATION_ATTEMPTS: "2",
    },
    "order-views": {},
    notifications: { NOTIFY_POLL_MS: "50" },
  };
  const dataDirs = new Map<ServiceName, string>();
  const startService = async (name: ServiceName, env: Record<string, string> = {}): Promise<TestService> => {
    const dataDir = dataDirs.get(name);
    const svc = await startTestService(await serviceDefinition(name), {
      natsUrl: nats.url,
      env: { ...AS_SEPARATE_PROCESSES, ...baseEnv[name], ...(options.env?.[name] ?? {}), ...env },
      ...(dataDir ? { dataDir } : {}),
    });
    // The kit resolves before the endpoints' SUBs surely reached the server: one round trip closes that window.
    await svc.runtime.nats.nc.flush();
    running.set(name, svc);
    return svc;
  };
  const names = options.services ?? SERVICES;
  await Promise.all(names.map((name) => startService(name)));
  const gateway = await startTestService(gatewayDefinition, {
    natsUrl: nats.url,
    env: { ...GATEWAY_TEST_ENV, ...(options.gatewayEnv ?? {}) },
  });
  const client = await createTestClient(nats.url);

  const login = async (account: { email: string; password: string }) => {
    const token = await client.client.call(usersContracts.login, account);
    return { token: token.accessToken, userId: token.user.id };
  };
  const service = (name: ServiceName): TestService => {
    const svc = running.get(name);
    if (!svc) throw new Error(`${name} is not running`);
    return svc;
  };

  return {
    nats,
    gateway,
    api: http(gateway.url),
    client,
    signingKey,
    service,
    async stopService(name) {
      const svc = service(name);
      running.delete(name);
      // Its data stays, so a restart continues where it left off.
      dataDirs.set(name, svc.dataDir);
      await svc.stopKeepingData();
    },
    startService,
    login,
    async newCustomer(name = "Test customer") {
      const email = `customer-${process.pid}-${++customers}@bazaar.test`;
      await client.client.call(usersContracts.register, { email, password: "a-long-password", name });
      return { ...(await login({ email, password: "a-long-password" })), email };
    },
    async dispose() {
      await client.close();
      await gateway.stop();
      await Promise.all([...running.values()].map((svc) => svc.stop()));
      await nats.dispose();
      for (const dir of dataDirs.values()) rmSync(dir, { recursive: true, force: true });
    },
  };
}
