export { topology } from "../../../topology.js";
export { freePort, isPortFree } from "./ports.js";
export { type RunMode, serviceEnv } from "./service-env.js";
export { ensureAllStreams } from "./streams.js";
export { type RunningSystem, type ServiceSpec, type SystemOptions, startSystem } from "./system.js";
