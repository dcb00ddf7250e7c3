import type { RebuildStatus } from "../api-types.js";
import { type CommandContext, emit } from "../context.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { fields, table } from "../table.js";

const PATH = "/api/admin/read-models/order-views/rebuild";

function render(s: RebuildStatus): string {
  return [
    fields([
      ["read model", "order-views"],
      ["state", s.state],
      ["rebuild", s.rebuildId],
      ["progress", `${s.processed} of ${s.total} messages`],
      ["skipped", s.skipped],
      ["mode", s.mode],
      ["started", s.startedAt],
      ["finished", s.finishedAt],
      ["error", s.error],
    ]),
    ...(s.skippedEvents.length > 0
      ? [
          "",
          "skipped (they fail their contract; the live consumers dead-lettered them):",
          table(
            [
              { label: "stream", value: (e: RebuildStatus["skippedEvents"][number]) => e.stream },
              { label: "seq", value: (e) => e.seq, right: true },
              { label: "subject", value: (e) => e.subject },
              { label: "why", value: (e) => e.reason, max: 60 },
            ],
            s.skippedEvents,
          ),
        ]
      : []),
  ].join("\n");
}

const exitFor = (s: RebuildStatus): ExitCode => (s.state === "failed" ? EXIT.problem : EXIT.ok);

async function status(ctx: CommandContext): Promise<ExitCode> {
  const { body } = await ctx.client.get<RebuildStatus>(PATH);
  emit(ctx, body, () => render(body));
  return exitFor(body);
}

/** Starts a rebuild; with `--wait`, follows it to the end (progress on stderr) and exits 1 if it fails. */
async function rebuild(ctx: CommandContext): Promise<ExitCode> {
  let { body } = await ctx.client.post<RebuildStatus>(PATH);
  if (ctx.flags.wait) {
    let last = "";
    while (body.state === "running") {
      const line = `rebuilding order-views: ${body.processed} of ${body.total} messages`;
      if (line !== last) ctx.progress(line);
      last = line;
      await new Promise((r) => setTimeout(r, 500));
      body = (await ctx.client.get<RebuildStatus>(PATH)).body;
    }
  }
  emit(ctx, body, () => render(body));
  return exitFor(body);
}

export const readModel = { status, rebuild } as const;
