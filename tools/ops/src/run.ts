import { parseArgs } from "node:util";
import { dlq } from "./commands/dlq.js";
import { health } from "./commands/health.js";
import { readModel } from "./commands/read-model.js";
import { SAGA_STATUSES, saga } from "./commands/saga.js";
import { streams } from "./commands/streams.js";
import type { CommandContext, Flags } from "./context.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import { GatewayClient } from "./gateway-client.js";

export const USAGE = `usage: bazaar <command> [options]      (pnpm bazaar <command> in the repo)

commands:
  health                                   readiness of every service (exit 1 when one is not ready)
  streams                                  every stream's size and each consumer's backlog
  dlq ls [--service S] [--limit N]         dead letters, newest first
  dlq show <id>                            one dead letter with its payload
  dlq replay <id>... | --all | --service S      replay, one by one with progress
  dlq discard <id>... | --all --yes | --service S --yes  --reason "why"
  saga ls [--status S] [--limit N] [--cursor C] sagas, newest first
  saga show <id>                           a saga's steps and timeline
  saga retry <id>... | --all [--limit N]   retry sagas that require attention
  read-model status                        the order-views rebuild: running, completed or failed
  read-model rebuild [--wait]              rebuild order-views from the streams (--wait follows it)

options:
  --gateway URL    the gateway (GATEWAY_URL; default http://127.0.0.1:3000)
  --token T        an admin's access token (BAZAAR_TOKEN); without one, logs in as
                   ADMIN_EMAIL / ADMIN_PASSWORD (default: the development admin)
  --json           one JSON document on stdout instead of tables (progress stays on stderr)

exit codes:
  0 done, all well   1 done, found a problem   2 bad command line   3 token or password refused
  4 gateway unreachable   5 the gateway refused the request (not found, conflict, rate-limited, error)`;

export interface RunIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

type Command = (ctx: CommandContext) => Promise<ExitCode>;

const COMMANDS: Record<string, Command | Record<string, Command>> = {
  health,
  streams,
  dlq,
  saga,
  "read-model": readModel,
};

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        gateway: { type: "string" },
        token: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        all: { type: "boolean", default: false },
        yes: { type: "boolean", default: false },
        wait: { type: "boolean", default: false },
        service: { type: "string" },
        limit: { type: "string" },
        reason: { type: "string" },
        status: { type: "string" },
        cursor: { type: "string" },
      },
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
}

function flagsOf(values: ReturnType<typeof parse>["values"]): Flags {
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw new CliError("--limit takes a positive whole number", EXIT.usage);
  if (values.status !== undefined && !SAGA_STATUSES.includes(values.status))
    throw new CliError(`--status is one of ${SAGA_STATUSES.join(", ")}`, EXIT.usage);
  if (values.service !== undefined && !/^[a-z][a-z0-9-]{0,30}$/.test(values.service))
    throw new CliError("--service takes a service name, e.g. notifications", EXIT.usage);
  return {
    json: values.json,
    all: values.all,
    yes: values.yes,
    wait: values.wait,
    ...(limit !== undefined ? { limit } : {}),
    ...(values.service !== undefined ? { service: values.service } : {}),
    ...(values.reason !== undefined ? { reason: values.reason } : {}),
    ...(values.status !== undefined ? { status: values.status } : {}),
    ...(values.cursor !== undefined ? { cursor: values.cursor } : {}),
  };
}

/** Finds the command the positionals name (`dlq replay 3` → dlq.replay with args ["3"]). */
function resolve(positionals: readonly string[]): { command: Command; args: string[] } {
  const [first, second, ...rest] = positionals;
  const entry = first === undefined ? undefined : COMMANDS[first];
  if (!entry) throw new CliError(first ? `unknown command "${first}"\n\n${USAGE}` : USAGE, EXIT.usage);
  if (typeof entry === "function") return { command: entry, args: positionals.slice(1) };
  const sub = second === undefined ? undefined : entry[second];
  if (!sub)
    throw new CliError(`${first} takes one of: ${Object.keys(entry).join(", ")}\n\n${USAGE}`, EXIT.usage);
  return { command: sub, args: rest };
}

/**
 * `run` is the whole CLI: it parses the command line, calls the gateway and writes the result, and
 * resolves with the exit code (see `EXIT`). It never throws for anything the operator can fix: that is
 * a message on stderr and the code that says what kind of problem it was.
 */
export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout(USAGE);
      return EXIT.ok;
    }
    const flags = flagsOf(values);
    const { command, args } = resolve(positionals);
    const url = values.gateway ?? io.env.GATEWAY_URL ?? "http://127.0.0.1:3000";
    if (!/^https?:\/\/[^\s/]+/.test(url))
      throw new CliError("--gateway takes a URL such as http://127.0.0.1:3000", EXIT.usage);
    const token = values.token ?? io.env.BAZAAR_TOKEN;
    const client = new GatewayClient({
      url,
      token,
      login: {
        email: io.env.ADMIN_EMAIL ?? "admin@bazaar.local",
        password: io.env.ADMIN_PASSWORD ?? "bazaar-admin-dev",
      },
    });
    return await command({ client, args, flags, out: io.stdout, progress: io.stderr });
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(`bazaar: ${err.message}`);
      return err.code;
    }
    io.stderr(
      `bazaar: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    // EX_SOFTWARE: a bug in the CLI, not something about the system.
    return 70;
  }
}
