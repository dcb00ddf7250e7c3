import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { natsFailure } from "../http/nats-failure.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** One durable consumer's progress (NATS's own field names, as `nats consumer info` shows them). */
export const ConsumerView = v.object({
  name: v.string(),
  num_pending: v.number(),
  num_ack_pending: v.number(),
  num_redelivered: v.number(),
  num_waiting: v.number(),
  delivered_stream_seq: v.number(),
  ack_floor_stream_seq: v.number(),
});
export const StreamView = v.object({
  name: v.string(),
  description: v.string(),
  subjects: v.array(v.string()),
  messages: v.number(),
  bytes: v.number(),
  first_seq: v.number(),
  last_seq: v.number(),
  consumers: v.array(ConsumerView),
});
type StreamView = v.InferOutput<typeof StreamView>;

async function describeStreams(jsm: GatewayRuntime["nats"]["jsm"]): Promise<StreamView[]> {
  const infos = [];
  for await (const si of jsm.streams.list()) infos.push(si);
  return Promise.all(
    infos.map(async (si) => {
      const consumers: Array<v.InferOutput<typeof ConsumerView>> = [];
      for await (const ci of jsm.consumers.list(si.config.name)) {
        consumers.push({
          name: ci.name,
          num_pending: ci.num_pending,
          num_ack_pending: ci.num_ack_pending,
          num_redelivered: ci.num_redelivered,
          num_waiting: ci.num_waiting,
          delivered_stream_seq: ci.delivered.stream_seq,
          ack_floor_stream_seq: ci.ack_floor.stream_seq,
        });
      }
      return {
        name: si.config.name,
        description: si.config.description ?? "",
        subjects: si.config.subjects ?? [],
        messages: si.state.messages,
        bytes: si.state.bytes,
        first_seq: si.state.first_seq,
        last_seq: si.state.last_seq,
        consumers: consumers.sort((a, b) => a.name.localeCompare(b.name)),
      };
    }),
  );
}

/** `adminStreamRoutes`: JetStream as the operator sees it, at `/api/admin/streams` (the gateway's own manager). */
export function adminStreamRoutes(runtime: GatewayRuntime): RouteGroup {
  const list = defineRoute({
    method: "get",
    path: "/",
    access: "admin",
    summary: "Every JetStream stream with its size and each consumer's backlog",
    success: { status: 200, description: "Streams", schema: v.object({ streams: v.array(StreamView) }) },
    handler: async (c) => {
      try {
        const streams = await describeStreams(runtime.nats.jsm);
        return c.json({ streams: streams.sort((a, b) => a.name.localeCompare(b.name)) });
      } catch (err) {
        throw natsFailure(err, "listing streams");
      }
    },
  });
  return { prefix: "/api/admin/streams", tag: "admin", routes: [list] };
}
