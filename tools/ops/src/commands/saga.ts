import type { Saga, SagaSummary } from "../api-types.js";
import { bulkLine, runBulk } from "../bulk.js";
import { type CommandContext, emit } from "../context.js";
import { CliError, EXIT, type ExitCode } from "../exit-codes.js";
import { fields, table } from "../table.js";

/** The statuses `--status` takes (the contract's). */
export const SAGA_STATUSES = ["running", "compensating", "completed", "compensated", "requires_attention"];

async function ls(ctx: CommandContext): Promise<ExitCode> {
  const query = new URLSearchParams({ limit: String(ctx.flags.limit ?? 50) });
  if (ctx.flags.status) query.set("status", ctx.flags.status);
  if (ctx.flags.cursor) query.set("cursor", ctx.flags.cursor);
  const { body } = await ctx.client.get<{ items: SagaSummary[]; nextCursor: string | null }>(
    `/api/admin/sagas?${query}`,
  );
  emit(ctx, body, () =>
    [
      body.items.length === 0
        ? "no sagas"
        : table(
            [
              { label: "saga", value: (s: SagaSummary) => s.sagaId },
              { label: "order", value: (s) => s.orderId },
              { label: "status", value: (s) => s.status },
              { label: "step", value: (s) => s.currentStep },
              { label: "updated", value: (s) => s.updatedAt },
              { label: "retries by itself at", value: (s) => s.nextRetryAt },
              { label: "why", value: (s) => s.failureReason, max: 50 },
            ],
            body.items,
          ),
      ...(body.nextCursor ? ["", `more: bazaar saga ls --cursor ${body.nextCursor}`] : []),
    ].join("\n"),
  );
  return EXIT.ok;
}

async function show(ctx: CommandContext): Promise<ExitCode> {
  const [id, ...rest] = ctx.args;
  if (!id || rest.length > 0) throw new CliError("saga show: give one saga's id", EXIT.usage);
  const { body: saga } = await ctx.client.get<Saga>(`/api/admin/sagas/${encodeURIComponent(id)}`);
  emit(ctx, saga, () =>
    [
      fields([
        ["saga", saga.sagaId],
        ["order", saga.orderId],
        ["status", saga.status],
        ["why", saga.failureReason],
        ["retries by itself at", saga.nextRetryAt],
        ["created", saga.createdAt],
        ["updated", saga.updatedAt],
      ]),
      "",
      table(
        [
          { label: "step", value: (s: Saga["steps"][number]) => s.name },
          { label: "status", value: (s) => s.status },
          { label: "attempts", value: (s) => s.attempts, right: true },
          { label: "compensations", value: (s) => s.compensationAttempts, right: true },
          { label: "last error", value: (s) => s.lastError, max: 60 },
        ],
        saga.steps,
      ),
      "",
      table(
        [
          { label: "at", value: (h: Saga["history"][number]) => h.at },
          { label: "phase", value: (h) => h.phase },
          { label: "step", value: (h) => h.step },
          { label: "outcome", value: (h) => h.outcome },
          { label: "error", value: (h) => h.error ?? h.message, max: 60 },
        ],
        saga.history,
      ),
    ].join("\n"),
  );
  return EXIT.ok;
}

async function retry(ctx: CommandContext): Promise<ExitCode> {
  if (ctx.flags.all) {
    if (ctx.args.length > 0) throw new CliError("saga retry: give ids, or --all, not both", EXIT.usage);
    const query = ctx.flags.limit ? `?limit=${ctx.flags.limit}` : "";
    const { body } = await ctx.client.post<{ retried: number; sagaIds: string[] }>(
      `/api/admin/sagas/retry${query}`,
    );
    emit(ctx, body, () =>
      [
        `retrying ${body.retried} saga(s) that required attention; they run a few at a time`,
        ...body.sagaIds.map((id) => `  ${id}`),
      ].join("\n"),
    );
    return EXIT.ok;
  }
  if (ctx.args.length === 0)
    throw new CliError("saga retry: which sagas? give their ids, or --all", EXIT.usage);
  const summary = await runBulk({
    ctx,
    ids: ctx.args,
    action: async (id) =>
      (await ctx.client.post<SagaSummary>(`/api/admin/sagas/${encodeURIComponent(id)}/retry`)).body,
    describe: (id, s) => `retrying saga ${id}: ${s.status}${s.currentStep ? ` at ${s.currentStep}` : ""}`,
  });
  emit(ctx, summary, () => bulkLine("retrying", summary));
  return summary.failed > 0 ? EXIT.problem : EXIT.ok;
}

export const saga = { ls, show, retry } as const;
