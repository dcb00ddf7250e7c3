// The system harness's surface: the production build laid out and run (broker, streams, every service from
// its deploy folder, as processes or one monolith), and the process helpers the harnesses share.

export type { Broker } from "./broker.js";
export type { DeployFoldersOptions } from "./deploy-folders.js";
export { deployFolders } from "./deploy-folders.js";
export { devOverlaySecrets, serviceSecrets } from "./dev-secrets.js";
export type { ExitStatus, ManagedProcess, ManagedProcessOptions } from "./managed-process.js";
export { startManagedProcess } from "./managed-process.js";
export type { NatsNode } from "./nats-node.js";
export type { RunCommandOptions } from "./run-command.js";
export { runCommand } from "./run-command.js";
export { GATEWAY } from "./service-env.js";
export type { ServiceProcess } from "./service-process.js";
export type { ProductionBuild, RunMode, SystemOptions, SystemUnderTest } from "./system.js";
export { createSystem, startSystem } from "./system.js";
export type { TopologyService } from "./topology-services.js";
export { topologyServices } from "./topology-services.js";
export type { WaitUntilOptions } from "./wait-until.js";
export { answers, waitUntil } from "./wait-until.js";
