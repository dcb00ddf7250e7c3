import { spawnSync } from "node:child_process";

export interface NatsContextOptions {
  /** Path to the nats CLI; when missing, only the command is returned. */
  readonly cli: string | undefined;
  readonly name?: string;
  readonly url: string;
}

export interface NatsContextResult {
  readonly command: string;
  readonly written: boolean;
}

/**
 * `writeNatsContext` adds and selects a `nats` CLI context for the dev server, so `nats stream ls`
 * works with no flags. Without the CLI it returns the one-line command to run by hand.
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
    "Bazaar development broker",
    "--select",
  ];
  const command = `nats ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;
  if (!options.cli) return { command, written: false };
  const result = spawnSync(options.cli, args, { stdio: "ignore", timeout: 10_000 });
  return { command, written: result.status === 0 };
}
