import { randomUUID } from "node:crypto";
import type { Problem } from "./api-types.js";
import { CliError, EXIT } from "./exit-codes.js";

export interface GatewayClientOptions {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** A bearer token; without one the client logs in with `login` on the first call. */
  readonly token?: string | undefined;
  readonly login?: { readonly email: string; readonly password: string } | undefined;
  /** Per request. */
  readonly timeoutMs?: number;
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** A request the gateway answered with an error: its status and problem document. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(message, status === 401 || status === 403 ? EXIT.auth : EXIT.refused);
  }
}

const describeProblem = (status: number, problem: Problem): string =>
  `HTTP ${status}${problem.code ? ` ${problem.code}` : ""}${problem.detail ? `: ${problem.detail}` : problem.title ? `: ${problem.title}` : ""}`;

/** Why a fetch never got an answer, in words (the cause's code when Node gives one). */
function unreachable(url: string, err: unknown): CliError {
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const why =
    err instanceof Error && err.name === "TimeoutError"
      ? "it did not answer in time"
      : (cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err)));
  return new CliError(
    `the gateway at ${url} cannot be reached (${why}). Is the system running (\`pnpm dev\`)? Set the address with --gateway or GATEWAY_URL.`,
    EXIT.unreachable,
  );
}

/**
 * `GatewayClient` calls the gateway's admin API as an operator: it gets a token (the one given, or by
 * logging in), sends JSON, and turns every failure into a `CliError` with the exit code that fits it.
 */
export class GatewayClient {
  #token: string | undefined;

  constructor(readonly options: GatewayClientOptions) {
    this.#token = options.token;
  }

  async #fetch(method: string, path: string, body: unknown, token: string | undefined): Promise<Response> {
    const url = new URL(path, this.options.url);
    try {
      return await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          // A fresh key per operation: a command the gateway stores is not applied twice if this is retried.
          ...(method === "POST" ? { "idempotency-key": randomUUID() } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw unreachable(this.options.url, err);
    }
  }

  async #read(res: Response): Promise<unknown> {
    const text = await res.text();
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return { title: text.slice(0, 200) };
    }
  }

  async #ensureToken(): Promise<string> {
    if (this.#token) return this.#token;
    const login = this.options.login;
    if (!login)
      throw new CliError(
        "no token: set BAZAAR_TOKEN (or --token), or ADMIN_EMAIL and ADMIN_PASSWORD",
        EXIT.auth,
      );
    const res = await this.#fetch("POST", "/api/auth/login", login, undefined);
    const body = (await this.#read(res)) as { accessToken?: string } & Problem;
    if (res.status === 200 && body.accessToken) {
      this.#token = body.accessToken;
      return body.accessToken;
    }
    if (res.status === 401 || res.status === 403)
      throw new ApiError(
        `the gateway refused to log in ${login.email} (${describeProblem(res.status, body)}). Check ADMIN_EMAIL and ADMIN_PASSWORD, or set BAZAAR_TOKEN.`,
        res.status,
        body,
      );
    throw new ApiError(`logging in failed (${describeProblem(res.status, body)})`, res.status, body);
  }

  /**
   * `request` sends one call and returns the answer when its status is one of `accept` (2xx by default);
   * any other status becomes an `ApiError` saying what the gateway said.
   */
  async request<T>(
    method: "GET" | "POST",
    path: string,
    options: { body?: unknown; accept?: readonly number[] } = {},
  ): Promise<ApiResponse<T>> {
    const token = await this.#ensureToken();
    const res = await this.#fetch(method, path, options.body, token);
    const body = await this.#read(res);
    const accepted = options.accept
      ? options.accept.includes(res.status)
      : res.status >= 200 && res.status < 300;
    if (accepted) return { status: res.status, body: body as T };
    const problem = (body ?? {}) as Problem;
    const what = `${method} ${path}`;
    if (res.status === 401)
      throw new ApiError(
        `the gateway refused the token for ${what} (${describeProblem(res.status, problem)}): it is missing, expired or not one the gateway trusts. Set BAZAAR_TOKEN, or ADMIN_EMAIL and ADMIN_PASSWORD.`,
        res.status,
        problem,
      );
    if (res.status === 403)
      throw new ApiError(
        `${what} needs an admin's token (${describeProblem(res.status, problem)})`,
        res.status,
        problem,
      );
    if (res.status === 429)
      throw new ApiError(
        `${what} was rate-limited by the gateway (HTTP 429 Too Many Requests); try again in ${res.headers.get("retry-after") ?? "a few"} s`,
        res.status,
        problem,
      );
    throw new ApiError(`${what} failed (${describeProblem(res.status, problem)})`, res.status, problem);
  }

  get<T>(path: string, accept?: readonly number[]): Promise<ApiResponse<T>> {
    return this.request<T>("GET", path, accept ? { accept } : {});
  }

  post<T>(path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>("POST", path, body === undefined ? {} : { body });
  }
}
