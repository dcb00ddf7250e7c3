import { ConfigError } from "../config/load-config.js";
import { type StartServiceOptions, startService } from "./start-service.js";
import type { ServiceDefinition } from "./types.js";

/**
 * `runService` is a service's whole `main`: start it, stop it gracefully on SIGTERM or SIGINT (exit 0),
 * exit 1 if NATS closes for good, and exit 1 with a clear message on bad configuration.
 *
 * @example
 * // services/users/src/main.ts
 * import { runService } from "@bazaar/service-kit";
 * import { service } from "./service.js";
 * runService(service);
 */
export function runService(def: ServiceDefinition, options: Omit<StartServiceOptions, "onFatal"> = {}): void {
  startService(def, { ...options, onFatal: () => process.exit(1) }).then(
    (running) => {
      let signalled = false;
      const shutdown = (signal: NodeJS.Signals): void => {
        if (signalled) {
          // A second signal means "now".
          process.exit(1);
        }
        signalled = true;
        running.runtime.log.info({ signal }, "signal received");
        running.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            running.runtime.log.error({ err }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", shutdown);
      process.on("SIGINT", shutdown);
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`${def.name}: ${err.message}\n`);
      } else {
        process.stderr.write(
          `${def.name}: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
      }
      process.exit(1);
    },
  );
}
