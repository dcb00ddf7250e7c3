import { spawnSync } from "node:child_process";

export interface NatsContextOptions {
  /** Path to the nats CLI; when missing, only the command is returned. */
  readonly cli: string | undefined;
  readonly name?: string;
  readonly url: string;
  /** The operator's user: the CLI inspects and manages the whole broker, which only the operator may. */
  readonly user?: { readonly user: string; readonly password: string } | undefined;
}

export interface NatsContextResult {
  readonly command: string;
  readonly written: boolean;
}

/**
 * `writeNatsContext` adds and selects a `nats` CLI context for the dev server, so `nats stream ls`
 * works with no flags, connected as the operator. Without the CLI it returns the one-line command to run
 * by hand (with the password left out: it is in the dev broker's credentials file).
 */
export function writeNatsContext(options: NatsContextOptions): NatsContextResult {
  const name = options.name ?? "bazaar";
  const args = [
    "context",
    "add",
    name,
    "--server",
    options.url,
    "--description",
    "Bazaar development broker (as the operator)",
    ...(options.user ? ["--user", options.user.user, "--password", options.user.password] : []),
    "--select",
  ];
  // The printed command leaves the password out: it is in the broker's credentials file.
  const shown = args.map((a) => (a === options.user?.password ? "<operator password>" : a));
  const command = `nats ${shown.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;
  if (!options.cli) return { command, written: false };
  const result = spawnSync(options.cli, args, { stdio: "ignore", timeout: 10_000 });
  return { command, written: result.status === 0 };
}
