import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll } from "vitest";
import type { RpcClient } from "../rpc/rpc-client.js";
import type { ServiceDefinition } from "../service/types.js";
import { startTestService, type TestService, type TestServiceOptions } from "./start-test-service.js";
import { createTestClient, type TestClient } from "./test-client.js";

/** A service under test with its own broker and an outside caller, valid inside the file's tests. */
export interface ServiceUnderTest {
  readonly nats: TestNats;
  readonly service: TestService;
  readonly caller: TestClient;
  readonly client: RpcClient;
}

/**
 * `useTestService` gives a test file a real nats-server, the service started on it (temp SQLite, random
 * port) and a client to call it, started before the file's tests and stopped after, also on failure.
 *
 * @example
 * const t = useTestService(service, { env: { SEED: "true" } });
 * it("gets a product", async () => expect(await t.client.call(getProduct, { sku: "MUG-001" })).toMatchObject({ sku: "MUG-001" }));
 */
export function useTestService(
  def: ServiceDefinition,
  options: Omit<TestServiceOptions, "natsUrl"> = {},
): ServiceUnderTest {
  let nats: TestNats | undefined;
  let service: TestService | undefined;
  let caller: TestClient | undefined;
  beforeAll(async () => {
    nats = await startTestNats();
    service = await startTestService(def, { ...options, natsUrl: nats.url });
    caller = await createTestClient(nats.url);
  });
  afterAll(async () => {
    await caller?.close();
    await service?.stop();
    await nats?.dispose();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} exists only inside this file's tests (it starts in beforeAll)`);
    return value;
  };
  return {
    get nats() {
      return need(nats, "the test broker");
    },
    get service() {
      return need(service, "the service under test");
    },
    get caller() {
      return need(caller, "the test caller");
    },
    get client() {
      return need(caller, "the test caller").client;
    },
  };
}
