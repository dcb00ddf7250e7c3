import { connectRpcClient, type RpcConnection } from "../rpc/connect-client.js";

/** A NATS connection and an RPC client for calling services from a test, as an outside caller would. */
export type TestClient = RpcConnection;

export function createTestClient(natsUrl: string): Promise<TestClient> {
  return connectRpcClient({ servers: natsUrl, caller: "test" });
}
