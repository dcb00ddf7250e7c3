import type { DeadLetter, ReplayResult } from "../api-types.js";
import { bulkLine, runBulk } from "../bulk.js";
import { type CommandContext, emit } from "../context.js";
import { CliError, EXIT, type ExitCode } from "../exit-codes.js";
import { fields, table } from "../table.js";

/** The most the gateway lists at once; `show` and bulk runs look through that many, newest first. */
const MAX_LIST = 1000;

async function list(ctx: CommandContext, limit: number): Promise<DeadLetter[]> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (ctx.flags.service) query.set("service", ctx.flags.service);
  const { body } = await ctx.client.get<{ items: DeadLetter[] }>(`/api/admin/dead-letters?${query}`);
  return body.items;
}

function ids(ctx: CommandContext, verb: string): string[] {
  for (const id of ctx.args)
    if (!/^[1-9]\d{0,15}$/.test(id))
      throw new CliError(`${verb}: a dead letter's id is a positive number`, EXIT.usage);
  return [...ctx.args];
}

/** The ids to act on: those given, or every one listed (optionally of one service). */
async function targets(ctx: CommandContext, verb: string): Promise<string[]> {
  const given = ids(ctx, verb);
  const bulk = ctx.flags.all || ctx.flags.service !== undefined;
  if (given.length > 0 && bulk)
    throw new CliError(`${verb}: give ids, or --all / --service, not both`, EXIT.usage);
  if (given.length > 0) return given;
  if (!bulk)
    throw new CliError(
      `${verb}: which dead letters? give their ids, or --all, or --service <name>`,
      EXIT.usage,
    );
  return (await list(ctx, MAX_LIST)).map((d) => String(d.id));
}

async function ls(ctx: CommandContext): Promise<ExitCode> {
  const items = await list(ctx, ctx.flags.limit ?? 100);
  emit(ctx, { items }, () =>
    items.length === 0
      ? "no dead letters"
      : table(
          [
            { label: "id", value: (d: DeadLetter) => d.id, right: true },
            { label: "service", value: (d) => d.service },
            { label: "event", value: (d) => d.eventType ?? d.subject },
            { label: "deliveries", value: (d) => d.deliveries, right: true },
            { label: "failed at", value: (d) => d.failedAt },
            { label: "error", value: (d) => d.error, max: 60 },
          ],
          items,
        ),
  );
  return EXIT.ok;
}

async function show(ctx: CommandContext): Promise<ExitCode> {
  const [id, ...rest] = ids(ctx, "dlq show");
  if (!id || rest.length > 0) throw new CliError("dlq show: give one dead letter's id", EXIT.usage);
  const found = (await list(ctx, MAX_LIST)).find((d) => String(d.id) === id);
  if (!found)
    throw new CliError(
      `no dead letter #${id} among the newest ${MAX_LIST} (replayed or discarded?)`,
      EXIT.refused,
    );
  emit(ctx, found, () =>
    [
      fields([
        ["id", found.id],
        ["service", found.service],
        ["consumer", found.consumer],
        ["event", found.eventType],
        ["event id", found.eventId],
        ["stream", `${found.stream} #${found.sequence} (${found.subject})`],
        ["deliveries", found.deliveries],
        ["reason", found.reason],
        ["failed at", found.failedAt],
        ["error", found.error],
      ]),
      "",
      "payload:",
      JSON.stringify(found.payload, null, 2),
    ].join("\n"),
  );
  return EXIT.ok;
}

async function replay(ctx: CommandContext): Promise<ExitCode> {
  const summary = await runBulk({
    ctx,
    ids: await targets(ctx, "dlq replay"),
    action: async (id) => (await ctx.client.post<ReplayResult>(`/api/admin/dead-letters/${id}/replay`)).body,
    describe: (id, r) => `replayed #${id} to ${r.subject} (stream seq ${r.streamSeq})`,
    gone: (id) => `#${id} is gone already (replayed or discarded by someone else)`,
  });
  emit(ctx, summary, () => bulkLine("replayed", summary));
  return summary.failed > 0 ? EXIT.problem : EXIT.ok;
}

async function discard(ctx: CommandContext): Promise<ExitCode> {
  const reason = ctx.flags.reason?.trim();
  if (!reason)
    throw new CliError(
      'dlq discard: say why with --reason "…" (it is logged with who discarded it)',
      EXIT.usage,
    );
  if ((ctx.flags.all || ctx.flags.service) && !ctx.flags.yes)
    throw new CliError(
      "dlq discard: discarding in bulk loses those events for good; add --yes to mean it",
      EXIT.usage,
    );
  const summary = await runBulk({
    ctx,
    ids: await targets(ctx, "dlq discard"),
    action: async (id) =>
      (await ctx.client.post<DeadLetter>(`/api/admin/dead-letters/${id}/discard`, { reason })).body,
    describe: (id, d) => `discarded #${id} (${d.eventType ?? d.subject} for ${d.consumer})`,
    gone: (id) => `#${id} is gone already (replayed or discarded by someone else)`,
  });
  emit(ctx, summary, () => bulkLine("discarded", summary));
  return summary.failed > 0 ? EXIT.problem : EXIT.ok;
}

export const dlq = { ls, show, replay, discard } as const;
