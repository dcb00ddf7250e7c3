import type { Logger } from "pino";

/**
 * `Lifecycle` is what a starting service must undo: each phase registers its stop as it starts, and
 * `stop` runs them in reverse, so a service stops in the opposite order to its start and a start that
 * fails halfway stops exactly what had started. A failing stop is logged and the next one still runs.
 */
export class Lifecycle {
  readonly #log: Logger;
  readonly #stops: Array<{ readonly name: string; readonly stop: () => unknown }> = [];
  #stopped: Promise<void> | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Registers what undoes the phase that just started. */
  onStop(name: string, stop: () => unknown): void {
    this.#stops.push({ name, stop });
  }

  /** Runs every registered stop once, last started first; later calls wait for the same run. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      for (const { name, stop } of this.#stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (err) {
          this.#log.warn({ err, phase: name }, "a phase failed to stop");
        }
      }
    })();
    return this.#stopped;
  }
}
