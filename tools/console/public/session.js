// The operator's session, for this browser tab only (sessionStorage): the access token, the refresh token
// and when the access token expires. api.js refreshes it; the rest of the page only asks whether it exists.

const KEYS = {
  access: "bazaar.console.token",
  refresh: "bazaar.console.refresh-token",
  expiresAt: "bazaar.console.expires-at",
};
const listeners = new Set();

export const session = {
  get token() {
    return sessionStorage.getItem(KEYS.access);
  },
  get refreshToken() {
    return sessionStorage.getItem(KEYS.refresh);
  },
  /** Epoch ms when the access token expires (0 when unknown, as for a token stored before refresh existed). */
  get expiresAt() {
    return Number(sessionStorage.getItem(KEYS.expiresAt) ?? 0);
  },
  /** Stores a login or refresh answer: `{ accessToken, expiresIn, refreshToken? }`. */
  store(reply) {
    sessionStorage.setItem(KEYS.access, reply.accessToken);
    sessionStorage.setItem(KEYS.expiresAt, String(Date.now() + reply.expiresIn * 1000));
    if (reply.refreshToken) sessionStorage.setItem(KEYS.refresh, reply.refreshToken);
    else sessionStorage.removeItem(KEYS.refresh);
    for (const listener of listeners) listener({ signedIn: true, renewed: true });
  },
  /** Forgets the session; `reason` is what the login screen says (null when the operator signed out). */
  clear(reason = null) {
    for (const key of Object.values(KEYS)) sessionStorage.removeItem(key);
    for (const listener of listeners) listener({ signedIn: false, reason });
  },
  /** Called on every change: `{ signedIn, renewed?, reason? }`. */
  onChange(listener) {
    listeners.add(listener);
  },
};
