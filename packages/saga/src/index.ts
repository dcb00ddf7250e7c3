export { SagaEngine, type SagaEngineOptions } from "./saga-engine.js";
export { sagaSchema } from "./schema.js";
export type {
  AttentionNeeded,
  SagaDefinition,
  SagaHistoryEntry,
  SagaHooks,
  SagaListOptions,
  SagaRetryPolicy,
  SagaSnapshot,
  SagaStatus,
  SagaStep,
  SagaStepView,
  SagaSummary,
  SagaView,
  StepContext,
  StepStatus,
} from "./types.js";
