export { isPortFree } from "./ports.js";
export { brokerEnvFor, type RunMode, serviceEnv } from "./service-env.js";
export { ensureAllStreams } from "./streams.js";
export { type RunningSystem, type ServiceSpec, type SystemOptions, startSystem } from "./system.js";
