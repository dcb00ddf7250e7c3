import { type RunningService, type ServiceDefinition, startService } from "@bazaar/service-kit/platform";

/** Loads a service's definition from its package (`@bazaar/<name>/service`), as the deployable would. */
export async function loadDefinition(packageName: string): Promise<ServiceDefinition> {
  const module = (await import(`${packageName}/service`)) as { service: ServiceDefinition };
  return module.service;
}

export interface InProcessService {
  readonly name: string;
  readonly running: RunningService;
  stop(): Promise<void>;
}

/**
 * `startInProcess` runs one service inside this process (the modular monolith): same definition, same
 * configuration, its own NATS connection and SQLite file. A call between two of them is handed over in
 * the process by the kit (`RPC_LOCAL_DISPATCH`, the same validation, errors, deadline and idempotency as
 * over NATS); events still go through JetStream, so the behaviour is the same as one process per service.
 */
export async function startInProcess(options: {
  name: string;
  packageName: string;
  env: Record<string, string>;
}): Promise<InProcessService> {
  const def = await loadDefinition(options.packageName);
  const running = await startService(def, {
    env: { ...process.env, ...options.env },
    onFatal: () => process.exit(1),
  });
  return { name: options.name, running, stop: () => running.stop() };
}
