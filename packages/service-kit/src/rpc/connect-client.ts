import { connect, type NatsConnection, usernamePasswordAuthenticator } from "@nats-io/transport-node";
import { createRpcClient, type RpcClient } from "./rpc-client.js";

/** A connection and an RPC client for tools and tests that call services from outside a service. */
export interface RpcConnection {
  readonly nc: NatsConnection;
  readonly client: RpcClient;
  close(): Promise<void>;
}

/** `connectRpcClient` connects to NATS (as `user`, when given) and returns a typed RPC client named `caller`. */
export async function connectRpcClient(options: {
  servers: string;
  caller: string;
  user?: { readonly user: string; readonly password: string } | undefined;
  /** The system's `PARTITIONS`, so calls to partitioned services reach their key's owner (default 1). */
  partitions?: number;
}): Promise<RpcConnection> {
  const nc = await connect({
    servers: options.servers.split(","),
    name: options.caller,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    noAsyncTraces: true,
    ...(options.user
      ? { authenticator: usernamePasswordAuthenticator(options.user.user, options.user.password) }
      : {}),
  });
  return {
    nc,
    client: createRpcClient({ nc, caller: options.caller, partitions: options.partitions ?? 1 }),
    close: () => nc.close(),
  };
}
