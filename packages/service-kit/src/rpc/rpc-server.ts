import type { RpcContract } from "@bazaar/contracts";
import { type Service, type ServiceMsg, Svcm } from "@nats-io/services";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AppError } from "../errors/app-error.js";
import { H, makeHeaders } from "../nats/headers.js";
import { streamCreditPrefix } from "../permissions/inbox-prefix.js";
import { encodeJson } from "./codec.js";
import { type LocalReply, type LocalRpcRegistry, localRpcRegistry } from "./local-registry.js";
import { serveStream } from "./rpc-stream.js";
import { createRequestServer, type RequestServerOptions } from "./serve-request.js";

export { STORAGE_UNAVAILABLE } from "./serve-request.js";

/** The queue group every instance of a service answers its RPCs in (`nats micro` expects `q`). */
export const RPC_QUEUE = "q";

/** A served endpoint: the contract and the function that answers it. */
export interface RpcEndpoint {
  readonly contract: RpcContract;
  /** Returns the response, or for a streaming contract an (async) iterable of items. */
  readonly handler: (input: never, ctx: never) => unknown;
}

/** What every endpoint's request server shares (`createRequestServer`), given once for the service. */
type SharedRequestOptions = Pick<
  RequestServerOptions,
  "log" | "metrics" | "validateResponses" | "inFlight" | "makeContext" | "telemetry"
>;

export interface RpcServerOptions extends SharedRequestOptions {
  readonly nc: NatsConnection;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly metadata: Record<string, string>;
  readonly endpoints: readonly RpcEndpoint[];
  /**
   * The subject each endpoint is served on (default: its contract's). One partition of a partitioned
   * service serves `rpc.<service>.<partition>.<name>`.
   */
  readonly subjectOf?: (contract: RpcContract) => string;
  /** Queue group: instances of a service share the load (default "q", as `nats micro` expects). */
  readonly queue?: string;
  /** This process's clock in epoch ms (default `Date.now`); tests give it a skew. */
  readonly clock?: () => number;
  /**
   * Also serve the (non-streaming) endpoints to callers in this process, without the broker (default:
   * off). The instance id names this instance in the registry.
   */
  readonly local?: {
    readonly instance: string;
    /** False while this service's broker connection is down: callers cannot reach it over NATS either. */
    readonly connected?: () => boolean;
    readonly registry?: LocalRpcRegistry;
  };
}

export interface RpcServer {
  readonly service: Service;
  /** Stop taking requests (in-flight ones finish; see `InFlight`). */
  stop(): Promise<void>;
}

/** `errorHeaders` are the headers of the one wire form of an error (see `replyError`). */
function errorHeaders(err: AppError) {
  return makeHeaders({
    [H.serviceErrorCode]: String(err.status),
    [H.serviceError]: err.message,
    [H.errorCode]: err.code,
  });
}

/**
 * `replyError` answers with the one wire form of an error: `Nats-Service-Error-Code` (the HTTP status),
 * `Nats-Service-Error` (the message), `Bazaar-Error-Code` (the code) and the JSON error body.
 */
export function replyError(msg: ServiceMsg, err: AppError): void {
  msg.respondError(err.status, err.message, encodeJson(err.toBody()), {
    headers: makeHeaders({ [H.errorCode]: err.code }),
  });
}

/**
 * `startRpcServer` registers the service with the NATS services API (so `nats micro ls/info/stats` see
 * it) and answers each endpoint with `createRequestServer`; the process never crashes on a handler error.
 * With `local`, each non-streaming endpoint is also in the process's `LocalRpcRegistry`, answered by the
 * very same per-request function with the same bytes and headers, until `stop()` (which leaves the
 * registry before the broker, so no caller finds it half-stopped).
 */
export async function startRpcServer(options: RpcServerOptions): Promise<RpcServer> {
  const { nc, log, clock = Date.now } = options;
  const service = await new Svcm(nc).add({
    name: options.name,
    version: options.version,
    description: options.description,
    metadata: options.metadata,
    queue: options.queue ?? RPC_QUEUE,
  });
  const { local } = options;
  const registry = local ? (local.registry ?? localRpcRegistry()) : undefined;
  const unregister: Array<() => void> = [];
  let accepting = true;

  for (const endpoint of options.endpoints) {
    const { contract } = endpoint;
    const serve = createRequestServer({
      service: options.name,
      contract,
      handler: endpoint.handler as (input: unknown, ctx: unknown) => unknown,
      log,
      metrics: options.metrics,
      validateResponses: options.validateResponses,
      inFlight: options.inFlight,
      makeContext: options.makeContext,
      clock,
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });

    const subject = options.subjectOf?.(contract) ?? contract.subject;
    service.addEndpoint(contract.name, {
      subject,
      metadata: {
        description: contract.description,
        command: String(contract.command),
        streaming: String(contract.streaming),
      },
      handler: (err, msg) => {
        if (err) {
          log.error({ err, endpoint: contract.name }, "endpoint subscription failed");
          return;
        }
        // serve never rejects; the services API (patched) times the returned promise for its stats.
        return serve(
          { data: msg.data, headers: msg.headers, transport: "nats" },
          {
            respond: (data) => msg.respond(data),
            respondError: (appErr) => replyError(msg, appErr),
            stream: async (items, check) => {
              await serveStream({
                nc,
                request: msg,
                creditPrefix: streamCreditPrefix(options.name),
                items,
                ...(check ? { check } : {}),
              });
            },
          },
        );
      },
    });

    if (registry && local && !contract.streaming) {
      unregister.push(
        registry.add(subject, {
          service: options.name,
          instance: local.instance,
          server: () => (nc.isClosed() || local.connected?.() === false ? undefined : nc.info?.server_id),
          serve: (request) => {
            if (!accepting) return undefined;
            let reply: LocalReply | undefined;
            return serve(
              { data: request.data, headers: request.headers, transport: "local" },
              {
                respond: (data) => {
                  reply = { data };
                },
                respondError: (appErr) => {
                  reply = { data: encodeJson(appErr.toBody()), headers: errorHeaders(appErr) };
                },
              },
            ).then(() => {
              // serve answers every request exactly once, so a reply is always set here.
              if (!reply) throw new Error(`${contract.subject} served no answer`);
              return reply;
            });
          },
        }),
      );
    }
  }

  // The endpoints' subscriptions reach the server before the service counts as started, so a caller
  // that is already connected cannot get "no responders" right after start.
  await nc.flush();
  return {
    service,
    async stop() {
      accepting = false;
      for (const remove of unregister.splice(0)) remove();
      if (!service.isStopped) await service.stop();
    },
  };
}
