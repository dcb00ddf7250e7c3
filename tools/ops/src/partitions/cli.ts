#!/usr/bin/env node
// `pnpm partitions`: which instance of a partitioned service owns which partition, and handing one over.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  handoverPartition,
  listPartitionOwners,
  releasePartition,
  takePartition,
} from "@bazaar/service-kit/platform";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";

const USAGE = `usage: pnpm partitions list <service>
       pnpm partitions handover <service> <partition> --to <instance> [--copy]
       pnpm partitions release <service> <partition> --from <instance>
       pnpm partitions take <service> <partition> --on <instance> [--copy-from <file>]

Connects to NATS_URL as the operator (NATS_CREDS, or NATS_USER and NATS_PASSWORD; under \`pnpm dev\`, the
development broker's operator from .data/nats/credentials.json). A handover drains the partition on its
owner, which sets its file aside and releases its lease; --copy has the new owner copy that file first
(both see the same disk, as under \`pnpm dev\`). Between machines, release, move the file, then take.`;

async function operator(): Promise<NatsConnection> {
  const servers = (process.env.NATS_URL ?? "nats://127.0.0.1:4222").split(",");
  if (process.env.NATS_CREDS)
    return connect({ servers, authenticator: credsAuthenticator(readFileSync(process.env.NATS_CREDS)) });
  let user = process.env.NATS_USER;
  let pass = process.env.NATS_PASSWORD;
  const devFile = join(process.env.DATA_DIR ?? join(process.cwd(), ".data"), "nats", "credentials.json");
  if (!user && existsSync(devFile)) {
    const dev = JSON.parse(readFileSync(devFile, "utf8")) as {
      operator?: { user: string; password: string };
    };
    user = dev.operator?.user;
    pass = dev.operator?.password;
  }
  return connect({ servers, ...(user ? { user, pass: pass ?? "" } : {}) });
}

function partitionArg(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0)
    throw new UsageError("<partition> must be a number");
  return n;
}

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      to: { type: "string" },
      from: { type: "string" },
      on: { type: "string" },
      copy: { type: "boolean", default: false },
      "copy-from": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, service, partition] = positionals;
  if (values.help || !command || !service) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const nc = await operator();
  try {
    const base = { nc, service };
    if (command === "list") {
      const owners = await listPartitionOwners(base);
      if (owners.length === 0) console.log(`no running instance of ${service} answers (is it partitioned?)`);
      for (const o of owners)
        console.log(
          `${o.instance.padEnd(16)} ordinal ${o.ordinal}  partitions ${o.partitions.map((p) => `${p.partition} (token ${p.token})`).join(", ")}`,
        );
      return 0;
    }
    if (command === "handover") {
      if (!values.to) throw new UsageError("handover needs --to <instance>");
      const r = await handoverPartition({
        ...base,
        partition: partitionArg(partition),
        to: values.to,
        copy: values.copy,
      });
      console.log(
        r.from === r.to
          ? `partition ${r.partition} of ${service} is already served by ${r.to}`
          : `partition ${r.partition} of ${service}: ${r.from ?? "no owner"} → ${r.to} (token ${r.token})${r.released ? `; released file ${r.released}` : ""}`,
      );
      return 0;
    }
    if (command === "release") {
      if (!values.from) throw new UsageError("release needs --from <instance>");
      const r = await releasePartition({
        ...base,
        partition: partitionArg(partition),
        instance: values.from,
      });
      console.log(`partition ${r.partition} of ${service} released by ${values.from}; its file is ${r.file}`);
      return 0;
    }
    if (command === "take") {
      if (!values.on) throw new UsageError("take needs --on <instance>");
      const r = await takePartition({
        ...base,
        partition: partitionArg(partition),
        instance: values.on,
        ...(values["copy-from"] ? { copyFrom: values["copy-from"] } : {}),
      });
      console.log(
        `partition ${r.partition} of ${service} taken by ${values.on} (token ${r.token}); its file is ${r.file}`,
      );
      return 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } finally {
    await nc.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
