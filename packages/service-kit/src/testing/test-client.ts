import { testBrokerCredentials } from "@bazaar/testing";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectRpcClient, type RpcConnection } from "../rpc/connect-client.js";

/**
 * A NATS connection and an RPC client for calling services from a test, as an outside caller would, and
 * JetStream on the same connection for what a test sets up or inspects behind the services' backs
 * (another publisher's events, aged-out streams): the operator's, not a service's, which may not.
 */
export interface TestClient extends RpcConnection {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/**
 * `createTestClient` connects to a test broker as the operator (a test sets up and inspects anything), and
 * calls services as an outside caller (`Bazaar-Caller: test`).
 */
export async function createTestClient(
  natsUrl: string,
  options: { readonly partitions?: number } = {},
): Promise<TestClient> {
  const connection = await connectRpcClient({
    servers: natsUrl,
    caller: "test",
    user: testBrokerCredentials(natsUrl)?.operator,
    ...(options.partitions ? { partitions: options.partitions } : {}),
  });
  return {
    ...connection,
    js: jetstream(connection.nc),
    jsm: await jetstreamManager(connection.nc, { checkAPI: false }),
  };
}
