import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createRpcClient, type RpcClient } from "./rpc-client.js";

/** A connection and an RPC client for tools and tests that call services from outside a service. */
export interface RpcConnection {
  readonly nc: NatsConnection;
  readonly client: RpcClient;
  close(): Promise<void>;
}

/** `connectRpcClient` connects to NATS and returns a typed RPC client named `caller`. */
export async function connectRpcClient(options: { servers: string; caller: string }): Promise<RpcConnection> {
  const nc = await connect({
    servers: options.servers.split(","),
    name: options.caller,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    noAsyncTraces: true,
  });
  return { nc, client: createRpcClient({ nc, caller: options.caller }), close: () => nc.close() };
}
