import type { GatewayClient } from "./gateway-client.js";

/** The options any command may take (each reads the ones it documents). */
export interface Flags {
  readonly json: boolean;
  readonly all: boolean;
  readonly yes: boolean;
  readonly wait: boolean;
  readonly service?: string;
  readonly limit?: number;
  readonly reason?: string;
  readonly status?: string;
  readonly cursor?: string;
}

/** What a command gets: the client, its arguments, and where to write. */
export interface CommandContext {
  readonly client: GatewayClient;
  /** The words after the command, e.g. the ids of `dlq replay 3 4`. */
  readonly args: readonly string[];
  readonly flags: Flags;
  /** The result: a table or a record for people, or one JSON document with `--json`. */
  out(text: string): void;
  /** Progress and notes, on stderr, so `--json` output stays one parseable document. */
  progress(text: string): void;
}

/** `emit` writes a result as JSON or as the human rendering. */
export function emit(ctx: CommandContext, value: unknown, human: () => string): void {
  ctx.out(ctx.flags.json ? JSON.stringify(value, null, 2) : human());
}
