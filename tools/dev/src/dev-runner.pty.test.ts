import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot, startDevNats } from "@bazaar/nats-tools";
import { freePort, isPortFree, tempDir } from "@bazaar/testing";
import { topology } from "@bazaar/topology";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { processesWith } from "./test-support/processes.js";
import { openTerminal, type Terminal, tmuxAvailable } from "./test-support/terminal.js";

// `pnpm dev` as a person runs it: typed into a real terminal (tmux), stopped with Ctrl-C, a closed
// window or SIGTERM, its output plain or piped through `tee`. Each run has its own DATA_DIR, which every
// process it starts inherits: "nothing is left" means no live process carries it and no port answers.

const root = findRepoRoot();
const STOP_MS = 20_000;
const START_MS = 120_000;
/** A test starts a system (or two) and stops it: generous, for a loaded CI machine. */
const TEST_MS = 300_000;

interface DevRun {
  readonly dataDir: string;
  readonly ports: Record<string, number>;
  readonly natsUrl: string;
  readonly log: string;
  /** `env A=1 … ` for the command line: only the run (not the shell) carries them. */
  readonly envPrefix: string;
  readonly term: Terminal;
  readonly output: () => string;
}

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

beforeAll(() => {
  if (!tmuxAvailable())
    throw new Error(
      "these tests drive a real terminal with tmux: apt-get install -y tmux (brew install tmux)",
    );
});

async function devRun(): Promise<DevRun> {
  const dir = tempDir("bazaar-dev-pty-");
  const ports: Record<string, number> = { console: await freePort() };
  for (const s of topology.services) ports[s.name] = await freePort();
  const natsUrl = `nats://127.0.0.1:${await freePort()}`;
  const vars: Record<string, string> = {
    DATA_DIR: dir.path,
    // The nats CLI context goes to this run's own config folder, not the user's.
    XDG_CONFIG_HOME: join(dir.path, "xdg"),
    NATS_URL: natsUrl,
    CONSOLE_PORT: String(ports.console),
    SHUTDOWN_TIMEOUT_MS: "5000",
    // The trace viewer (a JVM) has its own tests; these are about the runner.
    DEV_TRACES: "off",
  };
  for (const s of topology.services)
    vars[`${s.name.replace(/-/g, "_").toUpperCase()}_PORT`] = String(ports[s.name]);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const term = openTerminal({ cwd: root, env });
  const log = join(dir.path, "dev.log");
  cleanups.push(() => dir.dispose());
  cleanups.push(async () => {
    // Whatever a failed test left behind: the run's processes, then the terminal.
    for (const p of processesWith("DATA_DIR", dir.path)) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
    term.close();
  });
  return {
    dataDir: dir.path,
    ports,
    natsUrl,
    log,
    envPrefix: `env ${Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")}`,
    term,
    output: () => {
      try {
        return readFileSync(log, "utf8");
      } catch {
        return "";
      }
    },
  };
}

async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs: number,
  detail: () => string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until)
      throw new Error(`${what} within ${timeoutMs} ms; output:\n${detail().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const up = (text: () => string): Promise<void> =>
  waitFor("the banner", () => text().includes("Bazaar is running"), START_MS, text);

/** Every process of the run gone, every port it used free (the broker's too, when it started it). */
async function nothingLeft(run: DevRun, ports: readonly number[]): Promise<void> {
  const left = (): string[] =>
    processesWith("DATA_DIR", run.dataDir).map((p) => `${p.pid} ${p.command.slice(0, 120)}`);
  await waitFor(
    "everything stopped",
    () => left().length === 0,
    STOP_MS,
    () => left().join("\n"),
  );
  for (const port of ports) expect(await isPortFree(port), `port ${port} is free`).toBe(true);
}

const natsPort = (run: DevRun): number => Number(new URL(run.natsUrl).port);
const allPorts = (run: DevRun): number[] => [...Object.values(run.ports), natsPort(run)];

/** The pid of one service process of the run (by the port it was given). */
function servicePid(run: DevRun, name: string): number | undefined {
  return processesWith("DATA_DIR", run.dataDir).find(
    (p) => p.env.get("PORT") === String(run.ports[name]) && p.command.includes("src/main.ts"),
  )?.pid;
}

describe("pnpm dev in a real terminal", () => {
  it(
    "piped through tee: restarts a crashed service, and Ctrl-C stops every service and the broker",
    async () => {
      const run = await devRun();
      run.term.run(`${run.envPrefix} pnpm dev 2>&1 | tee ${run.log}`);
      await up(run.output);
      expect(run.output()).toContain("a service that crashes is restarted");
      expect(run.output()).toContain(`:${run.ports.orders}  Places orders`);

      const orders = servicePid(run, "orders");
      expect(orders).toBeGreaterThan(0);
      process.kill(orders ?? -1, "SIGKILL");
      await waitFor(
        "the restart",
        () => run.output().includes("orders is back (restart 1)"),
        60_000,
        run.output,
      );
      expect(run.output()).toContain("orders crashed (killed by SIGKILL); restarting in 1 s (restart 1)");
      expect(servicePid(run, "orders")).not.toBe(orders);

      // Ctrl-C reaches tee too: it goes first, and the runner's stdout becomes a broken pipe.
      run.term.key("C-c");
      await nothingLeft(run, allPorts(run));
    },
    TEST_MS,
  );

  it(
    "plain, when the terminal is closed (SIGHUP): every service and the broker stop",
    async () => {
      const run = await devRun();
      run.term.run(`${run.envPrefix} pnpm dev`);
      await up(run.term.screen);
      run.term.close();
      await nothingLeft(run, allPorts(run));
    },
    TEST_MS,
  );

  it(
    "monolith, piped: Ctrl-C stops the one process and the broker",
    async () => {
      const run = await devRun();
      run.term.run(`${run.envPrefix} pnpm dev:monolith 2>&1 | tee ${run.log}`);
      await up(run.output);
      expect(run.output()).toContain("modular monolith");
      run.term.key("C-c");
      await nothingLeft(run, allPorts(run));
    },
    TEST_MS,
  );

  it(
    "monolith, plain: Ctrl-C stops it in order and says so",
    async () => {
      const run = await devRun();
      run.term.run(`${run.envPrefix} pnpm dev:monolith`);
      await up(run.term.screen);
      run.term.key("C-c");
      await nothingLeft(run, allPorts(run));
      const screen = run.term.screen();
      expect(screen).toContain("stopping (SIGINT)");
      expect(screen).toContain(`stopped; data kept in ${run.dataDir}`);
    },
    TEST_MS,
  );
});

describe("pnpm dev --only, against a broker that is already running", () => {
  it(
    "refuses to start without one, and says how to get one",
    async () => {
      const run = await devRun();
      run.term.run(`${run.envPrefix} pnpm dev --only inventory 2>&1 | tee ${run.log}`);
      await waitFor(
        "the refusal",
        () => run.output().includes("--only runs services against a broker"),
        60_000,
        run.output,
      );
      expect(run.output()).toContain("pnpm nats server");
      await nothingLeft(run, allPorts(run));
    },
    TEST_MS,
  );

  it(
    "runs just those services, leaves the broker running on SIGTERM, and fails at once with the last lines of a service that cannot start",
    async () => {
      const run = await devRun();
      const nats = await startDevNats({
        url: run.natsUrl,
        storeDir: join(run.dataDir, "nats"),
        writeContext: false,
        log: () => undefined,
      });
      cleanups.push(() => nats.stop());

      run.term.run(`${run.envPrefix} pnpm dev --only inventory,payments 2>&1 | tee ${run.log}`);
      await up(run.output);
      const banner = run.output().slice(run.output().indexOf("Bazaar is running"));
      expect(banner).toContain("(already running, reused)");
      expect(banner).toContain(`inventory      :${run.ports.inventory}`);
      expect(banner).not.toContain("orders ");
      const pnpm = processesWith("DATA_DIR", run.dataDir).find(
        (p) => !processesWith("DATA_DIR", run.dataDir).some((q) => q.pid === p.ppid),
      );
      process.kill(pnpm?.pid ?? -1, "SIGTERM");
      await nothingLeft(run, [run.ports.inventory ?? 0, run.ports.payments ?? 0]);
      expect(await isPortFree(natsPort(run))).toBe(false);

      const started = Date.now();
      run.term.run(`${run.envPrefix} RATE_LIMIT_AUTH=lots pnpm dev --only gateway 2>&1 | tee ${run.log}`);
      await waitFor(
        "the failure",
        () => run.output().includes("gateway exited during start-up"),
        60_000,
        run.output,
      );
      // At once, not after the 60 s readiness wait; with what the gateway said.
      expect(Date.now() - started).toBeLessThan(45_000);
      expect(run.output()).toContain("RATE_LIMIT_AUTH");
      await nothingLeft(run, [run.ports.gateway ?? 0]);
    },
    TEST_MS,
  );
});
