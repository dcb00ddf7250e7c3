import type { AppError, Scope } from "@bazaar/service-kit/platform";

/** Who is calling, from a verified access token. */
export interface Principal {
  readonly userId: string;
  readonly role: "customer" | "admin";
  readonly email: string | undefined;
  /** When the token stops being valid (epoch ms): long-lived streams end then. */
  readonly expiresAt: number;
}

/** The request's budget: downstream calls stop waiting when `signal` aborts. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * Variables the gateway's middleware sets on each request, besides the kit's `scope`. `principal` is set
 * when a valid token came with the request; `authError` says why a presented token was refused, so routes
 * that need a user can answer with it (public routes ignore both).
 */
export type GatewayEnv = {
  Variables: {
    scope: Scope;
    principal: Principal | undefined;
    authError: AppError | undefined;
    deadline: Deadline | undefined;
    /** The request's body as read by `bodyTimeout` (so a refusal can leave its values out). */
    bodyText: string | undefined;
  };
};
