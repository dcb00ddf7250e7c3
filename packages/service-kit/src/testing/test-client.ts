import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createRpcClient, type RpcClient } from "../rpc/rpc-client.js";

/** A NATS connection and an RPC client for calling services from a test, as an outside caller would. */
export interface TestClient {
  readonly nc: NatsConnection;
  readonly client: RpcClient;
  close(): Promise<void>;
}

export async function createTestClient(natsUrl: string): Promise<TestClient> {
  const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  return { nc, client: createRpcClient({ nc, caller: "test" }), close: () => nc.close() };
}
