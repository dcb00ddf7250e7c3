import { type ClientSettings, carefully } from "./careful-client.js";

/** A signed-in user of the public API. */
export interface Session {
  readonly userId: string;
  readonly email: string;
  token(): string | undefined;
  /** Signs in again (the token expired, or the gateway answered 401). */
  refresh(): Promise<void>;
}

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

function field(body: unknown, name: string): string | undefined {
  const value =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : undefined;
}

async function login(settings: ClientSettings, credentials: Credentials): Promise<string> {
  const answer = await carefully(settings, {
    op: "login",
    key: `login-${credentials.email}`,
    method: "POST",
    path: "/api/auth/login",
    body: credentials,
  });
  const token = field(answer?.body, "accessToken");
  if (answer?.status !== 200 || !token)
    throw new Error(`login of ${credentials.email} failed: ${answer ? answer.status : "no answer"}`);
  return token;
}

/** `signIn` logs in carefully and finds the user's id (`GET /api/me`); the token is refreshed on demand. */
export async function signIn(settings: ClientSettings, credentials: Credentials): Promise<Session> {
  let token = await login(settings, credentials);
  let refreshing: Promise<void> | undefined;
  const session = {
    email: credentials.email,
    token: () => token,
    refresh() {
      // One sign-in for every request that saw the 401 at once.
      refreshing ??= login(settings, credentials)
        .then((t) => {
          token = t;
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    },
  };
  const me = await carefully(settings, {
    op: "read",
    key: `me-${credentials.email}`,
    method: "GET",
    path: "/api/me",
    token: session.token,
    refresh: session.refresh,
  });
  const userId = field(me?.body, "id");
  if (me?.status !== 200 || !userId)
    throw new Error(`GET /api/me for ${credentials.email}: ${me?.status ?? "no answer"}`);
  settings.history.record({ type: "user", userId, email: credentials.email });
  return { ...session, userId };
}

/** `register` creates a customer account with an Idempotency-Key, so a retry gets the same account. */
export async function register(
  settings: ClientSettings,
  account: Credentials & { readonly name: string },
): Promise<void> {
  const key = `register-${account.email}`;
  const answer = await carefully(settings, {
    op: "register",
    key,
    idempotencyKey: key,
    method: "POST",
    path: "/api/auth/register",
    body: account,
  });
  if (answer?.status !== 201) throw new Error(`register ${account.email}: ${answer?.status ?? "no answer"}`);
}
