// Every call the page makes goes through `api`: it attaches the operator's token, refreshes the session
// before it expires (and once on an expired token), honours the gateway's rate limit, and reports each
// failure to the banner (and each success, which clears it).
import { callFailed, callName, callSucceeded } from "./banner.js";
import { rateLimitGate } from "./retry-after.js";
import { session } from "./session.js";

/** One gate for every call: after a 429 nothing is sent before the time the gateway named. */
const rateLimit = rateLimitGate({ maxWaitMs: 5000 });
const REFRESH = "/api/auth/refresh";
/** The longest a refresh waits before the token expires; a short-lived token refreshes at 3/4 of its life. */
const REFRESH_LEAD_MS = 60_000;
const RETRY_REFRESH_MS = 10_000;

export class ApiError extends Error {
  constructor(message, { status, body }) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const messageOf = (status, body) =>
  (body && typeof body === "object" && (body.detail ?? body.title)) || `HTTP ${status}`;

async function send(path, init, token) {
  const res = await rateLimit.send(() =>
    fetch(path, {
      ...init,
      headers: {
        ...(init.body ? { "content-type": "application/json" } : {}),
        // Only the gateway gets the token; the console's own files (/topology.json, ...) need none.
        ...(token && path.startsWith("/api/") ? { authorization: `Bearer ${token}` } : {}),
        ...init.headers,
      },
    }),
  );
  const type = res.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await res.json().catch(() => null) : await res.text();
  return { res, body };
}

/**
 * `api` calls the gateway (through the console's `/api/*`) and answers the parsed body, or throws an
 * `ApiError`. A command's 4xx answer (a conflict, a bad payload) is the caller's to show where the
 * operator acted; everything else that fails (the gateway unreachable, a 5xx, a rate limit, a load that
 * failed) also raises the banner. A 401 refreshes the session once and retries; if that fails, the
 * operator is sent to the login screen with the reason.
 */
export async function api(path, init = {}) {
  const method = (init.method ?? "GET").toUpperCase();
  const name = callName(method, path);
  try {
    let { res, body } = await send(path, init, session.token);
    if (res.status === 401 && session.token && !path.startsWith("/api/auth/")) {
      if (await refreshSession()) ({ res, body } = await send(path, init, session.token));
      if (res.status === 401 && session.token) session.clear("Your session expired: sign in again.");
    }
    if (!res.ok) {
      const error = new ApiError(messageOf(res.status, body), { status: res.status, body });
      const answered = method !== "GET" && res.status >= 400 && res.status < 500 && res.status !== 429;
      if (!answered && res.status !== 401)
        callFailed(name, `${error.message} (HTTP ${res.status})`, { once: method !== "GET" });
      throw error;
    }
    callSucceeded(name);
    return body;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    // fetch itself failed: the console's own server does not answer (the gateway's absence is a 502).
    const message = err?.status === 429 ? err.message : "the console's server does not answer";
    callFailed(name, message, { once: method !== "GET" });
    throw new ApiError(message, { status: err?.status ?? 0, body: null });
  }
}

// ---------- the session's refresh ----------

let inFlight = null;
let timer = null;

/**
 * `refreshSession` trades the refresh token for a new pair. Single-flight: a second caller shares the
 * first one's promise, because two refreshes with one token look like a stolen token to the gateway,
 * which then revokes the whole session. Answers whether the session is still good.
 */
export function refreshSession() {
  if (!session.refreshToken) return Promise.resolve(false);
  inFlight ??= (async () => {
    try {
      const reply = await api(REFRESH, {
        method: "POST",
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      session.store(reply);
      return true;
    } catch (err) {
      if (err.status === 401 || err.status === 400) {
        session.clear("Your session could not be renewed (the gateway refused the refresh): sign in again.");
      } else {
        // The gateway is away or busy: the access token may still be good; try again shortly.
        callFailed(callName("POST", REFRESH), `session refresh failed: ${err.message}`, { once: true });
        schedule(RETRY_REFRESH_MS);
      }
      return false;
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

function schedule(delayMs) {
  clearTimeout(timer);
  if (!session.refreshToken) return;
  timer = setTimeout(() => void refreshSession(), Math.max(1000, delayMs));
}

/** Plans the next refresh for the token just stored (before its expiry, not after). */
function planRefresh() {
  const left = session.expiresAt - Date.now();
  if (!session.expiresAt || !session.refreshToken) return;
  schedule(left - Math.min(REFRESH_LEAD_MS, left / 4));
}

session.onChange(({ signedIn }) => {
  if (signedIn) planRefresh();
  else clearTimeout(timer);
});
planRefresh();

/** Signs in with email and password; answers the account (`/api/me`) or throws. */
export async function login(email, password) {
  const reply = await api("/api/auth/login", { method: "POST", body: JSON.stringify({ email, password }) });
  const me = await send("/api/me", {}, reply.accessToken);
  if (!me.res.ok || me.body?.role !== "admin") {
    // Not an operator: the refresh token it got is dropped at once.
    if (reply.refreshToken) void logoutToken(reply.refreshToken);
    throw new Error("this account is not an admin");
  }
  session.store(reply);
  return me.body;
}

const logoutToken = (refreshToken) =>
  send("/api/auth/logout", { method: "POST", body: JSON.stringify({ refreshToken }) }).catch(() => undefined);

/** Signs out: revokes the refresh token at the gateway, and forgets the session whatever it answers. */
export async function logout() {
  const refreshToken = session.refreshToken;
  session.clear();
  if (refreshToken) await logoutToken(refreshToken);
}
