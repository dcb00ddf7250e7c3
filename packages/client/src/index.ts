export type { BazaarClient, BazaarClientOptions, BazaarPaths, TokenSource } from "./create-bazaar-client.js";
export { createBazaarClient } from "./create-bazaar-client.js";
export type { components, operations, paths } from "./generated/openapi.js";
export { IDEMPOTENCY_KEY_HEADER, isCommand } from "./idempotency.js";
export type { ResilientFetchOptions } from "./resilient-fetch.js";
export { AttemptTimeoutError, createResilientFetch } from "./resilient-fetch.js";
export { retryAfterMs } from "./retry-after.js";
export type { RetryEvent, RetryOptions } from "./retry-policy.js";
export { RETRY_DEFAULTS } from "./retry-policy.js";
