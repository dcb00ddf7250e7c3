export { type AdminGrants, adminApiGrants } from "./admin-grants.js";
export { brokerAuthorizationConfig } from "./authorization-config.js";
export {
  type BrokerPermissions,
  DEFAULT_GRANTED_PARTITIONS,
  type DeriveBrokerPermissionsOptions,
  deriveBrokerPermissions,
  OPERATOR_USER,
  passwordVariable,
  type ResponseRules,
  type ServiceIdentity,
  type SubjectRules,
} from "./broker-permissions.js";
export { inboxPrefix, streamCreditPrefix } from "./inbox-prefix.js";
