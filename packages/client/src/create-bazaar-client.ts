import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "./generated/openapi.js";
import type { WithClientIdempotencyKeys } from "./idempotency.js";
import { createResilientFetch } from "./resilient-fetch.js";
import type { RetryOptions } from "./retry-policy.js";

/** The gateway's paths as this client takes them (`Idempotency-Key` optional: the client sends one). */
export type BazaarPaths = WithClientIdempotencyKeys<paths>;

/** A token, or a function asked before each request (for one that is refreshed elsewhere). */
export type TokenSource = string | (() => string | undefined);

export interface BazaarClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …` unless a request sets its own; `login()` replaces it. */
  readonly token?: TokenSource;
  /** The transport each attempt goes through; `globalThis.fetch` by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Retry settings (see `RETRY_DEFAULTS`), or `false` for one attempt only. */
  readonly retry?: RetryOptions | false;
  /** Middleware run once per call, around all its attempts (openapi-fetch's `use`). */
  readonly middleware?: readonly Middleware[];
}

type LoginBody = paths["/api/auth/login"]["post"]["requestBody"]["content"]["application/json"];

export type BazaarClient = Client<BazaarPaths> & {
  /**
   * `login` exchanges an email and password for an access token and, when it succeeds, sends that token
   * on every later request. Returns the call's result as every other method does.
   */
  login(credentials: LoginBody): ReturnType<Client<BazaarPaths>["POST"]>;
  /** `setToken` replaces the token source (undefined: no token). */
  setToken(token: TokenSource | undefined): void;
};

/**
 * `createBazaarClient` is a typed client of the gateway's REST API: openapi-fetch over the types generated
 * from the gateway's OpenAPI document, with an `Idempotency-Key` on every command and retries of what is
 * safe to retry (see `createResilientFetch`).
 *
 * @example
 * const api = createBazaarClient({ baseUrl: "http://127.0.0.1:3000" });
 * await api.login({ email: "customer@bazaar.local", password: "bazaar-customer-dev" });
 * const { data } = await api.POST("/api/orders", { body: { items, shippingAddress, paymentMethod } });
 */
export function createBazaarClient(options: BazaarClientOptions): BazaarClient {
  const { baseUrl, retry, middleware = [] } = options;
  let token: TokenSource | undefined = options.token;
  const client = createClient<BazaarPaths>({
    baseUrl,
    fetch: createResilientFetch({
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(retry === undefined ? {} : { retry }),
    }),
  });
  const bearer: Middleware = {
    onRequest({ request }) {
      const value = typeof token === "function" ? token() : token;
      if (value && !request.headers.has("authorization"))
        request.headers.set("authorization", `Bearer ${value}`);
      return request;
    },
  };
  client.use(bearer, ...middleware);
  return {
    ...client,
    async login(credentials) {
      const result = await client.POST("/api/auth/login", { body: credentials });
      if (result.data) token = result.data.accessToken;
      return result;
    },
    setToken(next) {
      token = next;
    },
  };
}
