// The parts of the gateway's admin API the CLI reads. Sagas and the read model are typed by their
// contracts; the rest by the gateway's OpenAPI document (the client's generated types), so a route whose
// answer changes breaks the CLI's typecheck.
import type { components, paths } from "@bazaar/client";
import type { orders, orderViews } from "@bazaar/contracts";

export type Saga = orders.Saga;
/** A saga as lists show it: no steps or history, the step it is at. */
export type SagaSummary = Omit<Saga, "steps" | "history"> & { readonly currentStep: string | null };
export type RebuildStatus = orderViews.RebuildStatus;

/** An `application/problem+json` answer. */
export interface Problem {
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
}

export interface CheckResult {
  readonly status?: string;
  readonly output?: string;
}

/** A route's JSON answer as the gateway's OpenAPI document declares it (through the typed client). */
type JsonOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: Record<S, { content: { "application/json": infer T } }>;
}
  ? T
  : never;

export type SystemHealth = components["schemas"]["SystemHealth"];
export type DeadLetter = JsonOf<"/api/admin/dead-letters", "get">["items"][number];
export type ReplayResult = JsonOf<"/api/admin/dead-letters/{id}/replay", "post">;
export type StreamView = JsonOf<"/api/admin/streams", "get">["streams"][number];
