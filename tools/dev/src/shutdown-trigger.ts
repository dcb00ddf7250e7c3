import { watchAncestors } from "./ancestors.js";

/** Signals that ask the runner to stop: Ctrl-C, `kill`, and a closed terminal. */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The same Ctrl-C can arrive twice (from the terminal and relayed by tsx): repeats this close are one. */
const REPEAT_MS = 1500;

export interface ShutdownTrigger {
  /** Resolves with why, at the first request to stop. */
  readonly requested: Promise<string>;
  dispose(): void;
}

/**
 * `shutdownTrigger` turns every way a runner can be told to stop into one promise: SIGINT, SIGTERM,
 * SIGHUP, or the death of pnpm or the terminal above it. A later, separate signal calls `onForce`: the
 * user insists, and the runner kills what is left.
 */
export function shutdownTrigger(options: { readonly onForce: (signal: string) => void }): ShutdownTrigger {
  let firstAt = 0;
  let resolve: (why: string) => void = () => undefined;
  const requested = new Promise<string>((r) => {
    resolve = r;
  });
  const request = (why: string): void => {
    if (firstAt === 0) {
      firstAt = Date.now();
      resolve(why);
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt !== 0 && Date.now() - firstAt > REPEAT_MS) options.onForce(signal);
    request(signal);
  };
  // A listener must stay for every signal, or Node's default would end the process at once.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const ancestors = watchAncestors({ onGone: () => request("the terminal or pnpm went away") });
  return {
    requested,
    dispose() {
      ancestors.stop();
      for (const signal of SIGNALS) process.off(signal, onSignal);
    },
  };
}
