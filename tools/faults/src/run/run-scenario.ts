import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSystem, type ProductionBuild } from "@bazaar/system-harness";
import { type CheckResult, checkRun } from "../check/check-run.js";
import { type Flow, measureFlow } from "../check/flow.js";
import { orderRecords } from "../check/order-records.js";
import type { ClientSettings } from "../client/careful-client.js";
import { startLoad } from "../client/load.js";
import { seededRandom } from "../client/order-mix.js";
import { collectFinalState } from "../collect/collect-final-state.js";
import { waitForQuiet } from "../collect/quiesce.js";
import { createHistory } from "../history/history-writer.js";
import type { Scenario } from "./scenario.js";
import { setUpClient } from "./setup-client.js";

export interface RunScenarioOptions extends ProductionBuild {
  readonly scenario: Scenario;
  /** The run's folder; the scenario writes to `<dir>/<scenario>`. */
  readonly dir: string;
  readonly log: (line: string) => void;
  /**
   * The system's shape: instances of each partitioned service (default 1), and NATS servers for every
   * scenario (default: what the scenario's fault asks for, else 1).
   */
  readonly shape?: { readonly instances?: number; readonly natsNodes?: 1 | 3 };
}

export interface ScenarioResult extends CheckResult {
  readonly expects?: readonly string[];
  readonly scenario: string;
  readonly description: string;
  readonly dir: string;
  readonly durationMs: number;
  /** The harness failed (not the system): the scenario could not be judged. */
  readonly error?: string;
  /** For a fault that measures it: the orders that kept flowing while it was on. */
  readonly flow?: Flow;
}

const SETUP_BOUND_MS = 120_000;

/**
 * `runScenario` runs one scenario from nothing: a fresh system from the deploy folders, the client's
 * accounts and products, the load with the fault beside it, the wait for quiet, the final state, the
 * verdict. Everything it saw is in `<dir>/<scenario>`: `history.jsonl`, `final-state.json`,
 * `violations.json`, `logs/`, and the services' data.
 */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  const { scenario, log } = options;
  const dir = join(options.dir, scenario.name);
  const started = Date.now();
  const history = createHistory({ file: join(dir, "history.jsonl") });
  history.record({
    type: "scenario",
    name: scenario.name,
    params: {
      load: scenario.load,
      settleMs: scenario.settleMs,
      terminalBoundMs: scenario.terminalBoundMs,
      fault: scenario.fault.description,
    },
  });
  const system = await createSystem({
    root: options.root,
    harness: "faults",
    services: options.services,
    folders: options.folders,
    dir,
    natsNodes: options.shape?.natsNodes ?? scenario.fault.natsNodes ?? 1,
    instances: options.shape?.instances ?? 1,
    envFor: scenario.fault.envFor?.(options.services) ?? {},
    onUnexpectedExit: (service, status, tail) => {
      history.record({ type: "exit", service, code: status.code, signal: status.signal, tail });
      log(`  ! ${service} exited by itself (${status.code ?? status.signal}); restarting it`);
    },
    // As an orchestrator would: a second after a crash of its own.
    restartAfterMs: 1_000,
  });
  const random = seededRandom(scenario.seed);
  const base = {
    base: system.gatewayUrl,
    history,
    timeoutMs: 5_000,
    backoffBaseMs: 100,
    backoffMaxMs: scenario.load.backoffMaxMs,
    random,
  };
  try {
    await system.start();
    log(
      `  system up in ${Math.round((Date.now() - started) / 1000)} s (${system.broker.nodes.length} NATS node(s), ${options.services.length} services)`,
    );
    const world = await setUpClient(
      options.root,
      { ...base, deadline: Date.now() + SETUP_BOUND_MS },
      scenario.load,
    );
    const loadStart = Date.now();
    const settings: ClientSettings = {
      ...base,
      deadline: loadStart + scenario.load.durationMs + scenario.settleMs,
    };
    history.record({ type: "load", action: "start" });
    const load = startLoad({
      settings,
      customers: world.customers,
      admin: world.admin,
      products: world.products,
      ratePerSecond: scenario.load.ratePerSecond,
      durationMs: scenario.load.durationMs,
      mix: scenario.load.mix,
      random,
      restockEveryMs: scenario.load.restockEveryMs,
      restockUnits: scenario.load.restockUnits,
      pollMs: 500,
      maxInFlight: scenario.load.maxInFlight,
    });
    const fault = scenario.fault.inject({ system, history, loadMs: scenario.load.durationMs, log });
    await load.launched;
    history.record({ type: "load", action: "stop" });
    await fault;
    await load.settled;
    const quietMs = await waitForQuiet(system, scenario.quietTimeoutMs);
    log(
      quietMs === undefined
        ? `  not quiet after ${scenario.quietTimeoutMs} ms; checking anyway`
        : `  quiet after ${quietMs} ms`,
    );
    const records = orderRecords(history.entries());
    const final = await collectFinalState({
      system,
      folders: options.folders,
      settings: { ...settings, deadline: Date.now() + SETUP_BOUND_MS },
      admin: world.admin,
      customers: world.customers,
      acknowledged: [...records.byOrderId.keys()],
      unitsAdded: records.unitsAdded,
      users: history
        .entries()
        .flatMap((e) => (e.type === "user" ? [{ userId: e.userId, email: e.email }] : [])),
    });
    writeFileSync(join(dir, "final-state.json"), `${JSON.stringify(final, null, 1)}\n`);
    const result = checkRun(history.entries(), final, { terminalBoundMs: scenario.terminalBoundMs });
    writeFileSync(join(dir, "violations.json"), `${JSON.stringify(result.violations, null, 1)}\n`);
    const flow = scenario.fault.measuresFlow ? measureFlow(history.entries()) : undefined;
    return {
      ...result,
      scenario: scenario.name,
      description: scenario.fault.description,
      dir,
      durationMs: Date.now() - started,
      ...(scenario.fault.expects ? { expects: scenario.fault.expects } : {}),
      ...(flow ? { flow } : {}),
    };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    writeFileSync(join(dir, "error.txt"), `${error}\n`);
    const empty = checkRun(
      history.entries(),
      emptyState(),
      { terminalBoundMs: scenario.terminalBoundMs },
      [],
    );
    return {
      ...empty,
      scenario: scenario.name,
      description: scenario.fault.description,
      dir,
      durationMs: Date.now() - started,
      error,
    };
  } finally {
    await system.stop().catch((err: unknown) => log(`  stopping the system failed: ${String(err)}`));
  }
}

function emptyState() {
  return {
    collectedAt: Date.now(),
    orders: [],
    views: [],
    products: [],
    streams: [],
    consumers: [],
    deadLetters: [],
    alertedOrders: [],
    stores: [],
    serviceFindings: [],
    gaps: [],
  };
}
