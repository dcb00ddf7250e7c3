export {
  getUser,
  jwks,
  listUsers,
  login,
  Password,
  PublicJwk,
  Role,
  register,
  Token,
  User,
  userRegistered,
} from "./users.js";
