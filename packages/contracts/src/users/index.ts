// biome-ignore-all assist/source/organizeImports: the order below is the catalog's, see the next comment.
// The RPCs are exported in alphabetical order of their names, across both files: Node lists a module's
// exports sorted, Vite in the order written here, and the catalog (so docs/asyncapi.json) follows that order.
export { getUser, jwks, listUsers } from "./users.js";
export { login, logout, refresh } from "./sessions.js";
export { Password, PublicJwk, Role, register, User, userRegistered } from "./users.js";
export { RefreshToken, Session, Token } from "./sessions.js";
