/**
 * `RunQueue` runs work per id single-flight (a second run of an id joins the first) and lets background
 * work wait for one of `concurrency` places, so resuming a thousand sagas after an outage does not start a
 * thousand at once. Direct runs (a new order's saga) never wait.
 */
export class RunQueue {
  readonly #running = new Map<string, Promise<void>>();
  readonly #queue = new Set<string>();
  readonly #work: (id: string) => Promise<void>;
  readonly #concurrency: number;
  #active = 0;
  #closed = false;

  constructor(options: { readonly concurrency: number; readonly work: (id: string) => Promise<void> }) {
    this.#work = options.work;
    this.#concurrency = options.concurrency;
  }

  /** Runs `id` now, or joins its run. The work must not reject. */
  run(id: string): Promise<void> {
    const current = this.#running.get(id);
    if (current) return current;
    const run = this.#work(id).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return run;
  }

  /** Queues background runs and starts as many as there are places. */
  enqueue(ids: readonly string[]): void {
    for (const id of ids) if (!this.#running.has(id)) this.#queue.add(id);
    while (!this.#closed && this.#active < this.#concurrency && this.#queue.size > 0) {
      const id = this.#queue.values().next().value as string;
      this.#queue.delete(id);
      if (this.#running.has(id)) continue;
      this.#active++;
      void this.run(id).finally(() => {
        this.#active--;
        this.enqueue([]);
      });
    }
  }

  /** Whether `id` runs or waits for a place. */
  has(id: string): boolean {
    return this.#running.has(id) || this.#queue.has(id);
  }

  get queued(): number {
    return this.#queue.size;
  }

  /** Starts nothing more; resolves when the runs under way end. */
  close(): Promise<void> {
    this.#closed = true;
    this.#queue.clear();
    return Promise.all(this.#running.values()).then(() => undefined);
  }
}
