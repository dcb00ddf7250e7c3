#!/usr/bin/env node
import { parseArgs } from "node:util";
import { describeLookup, findNatsCli, findNatsServer } from "./binaries.js";
import { loadOrCreateCredentials } from "./broker/credentials.js";
import { loadPermissions } from "./broker/permissions-file.js";
import { writeNatsContext } from "./context.js";
import { devCredentialsFile, startDevNats } from "./dev-server.js";
import { NatsToolsError } from "./errors.js";
import { ensureNatsBinaries } from "./install.js";

const USAGE = `usage: bazaar-nats <command>

commands:
  check     say which nats-server and nats CLI would be used (exit 1 when the server is missing)
  install   find them, or install the pinned versions with Go into .bin (exit 1 with instructions otherwise)
  server    start a JetStream dev server (reuses one already on NATS_URL); Ctrl-C stops it. It enforces
            the broker permissions (one user per service, from packages/nats-tools/broker/permissions.json);
            the passwords are in .data/nats/credentials.json
  context   add and select the "bazaar" nats CLI context for NATS_URL, as the operator

environment:
  NATS_URL              default nats://127.0.0.1:4222
  NATS_SYNC_INTERVAL    JetStream fsync policy, e.g. "always" (durable) or "2m" (server default, lazy)
  NATS_SERVER_BIN       use this nats-server binary
  NATS_CLI_BIN          use this nats CLI binary`;

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0] ?? "help";
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  switch (command) {
    case "check": {
      const server = findNatsServer();
      console.log(describeLookup("nats-server", server));
      console.log(describeLookup("nats CLI", findNatsCli()));
      return server.found ? 0 : 1;
    }
    case "install": {
      const found = ensureNatsBinaries({ log: (l) => console.log(l) });
      console.log(`nats-server ${found.server.path} (v${found.server.version})`);
      console.log(
        found.cli ? `nats CLI    ${found.cli.path} (v${found.cli.version})` : "nats CLI    not installed",
      );
      return 0;
    }
    case "context": {
      const cli = findNatsCli().found;
      const permissions = loadPermissions();
      const credentials = loadOrCreateCredentials({
        file: devCredentialsFile(),
        operator: permissions.operator.user,
        services: permissions.services.map((s) => s.service),
      });
      const result = writeNatsContext({ cli: cli?.path, url, user: credentials.operator });
      console.log(
        result.written
          ? `nats context "bazaar" selected (${url}, as the operator)`
          : `run: ${result.command}\n(the operator's password is in ${devCredentialsFile()})`,
      );
      return 0;
    }
    case "server": {
      const nats = await startDevNats({
        url,
        syncInterval: process.env.NATS_SYNC_INTERVAL || undefined,
        log: (l) => console.log(l),
      });
      console.log(
        nats.context.written
          ? `nats CLI context "bazaar" selected: try \`nats stream ls\``
          : `for the nats CLI: ${nats.context.command}`,
      );
      if (nats.reused) return 0;
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await nats.stop();
      console.log("nats-server stopped");
      return 0;
    }
    default:
      console.log(USAGE);
      return command === "help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof NatsToolsError ? err.message : err);
    process.exit(1);
  },
);
