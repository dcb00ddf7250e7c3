import type { StreamView } from "../api-types.js";
import { type CommandContext, emit } from "../context.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { table } from "../table.js";

/** `bazaar streams`: every stream's size, and each consumer's backlog. */
export async function streams(ctx: CommandContext): Promise<ExitCode> {
  const { body } = await ctx.client.get<{ streams: StreamView[] }>("/api/admin/streams");
  const consumers = body.streams.flatMap((s) => s.consumers.map((c) => ({ stream: s.name, ...c })));
  emit(ctx, body, () =>
    [
      table(
        [
          { label: "stream", value: (s: StreamView) => s.name },
          { label: "messages", value: (s) => s.messages, right: true },
          { label: "bytes", value: (s) => s.bytes, right: true },
          { label: "first", value: (s) => s.first_seq, right: true },
          { label: "last", value: (s) => s.last_seq, right: true },
          { label: "consumers", value: (s) => s.consumers.length, right: true },
          { label: "subjects", value: (s) => s.subjects.join(" "), max: 50 },
        ],
        body.streams,
      ),
      "",
      table(
        [
          { label: "stream", value: (c: (typeof consumers)[number]) => c.stream },
          { label: "consumer", value: (c) => c.name },
          { label: "pending", value: (c) => c.num_pending, right: true },
          { label: "unacked", value: (c) => c.num_ack_pending, right: true },
          { label: "redelivered", value: (c) => c.num_redelivered, right: true },
        ],
        consumers,
      ),
    ].join("\n"),
  );
  return EXIT.ok;
}
