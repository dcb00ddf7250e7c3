// The platform's door: everything a service author has (the package's main door), plus what the gateway,
// the runners, the deploy tools and shared packages build on (servers, clients, permissions, replay,
// dead letters, schema modules). A service's own code needs only "@bazaar/service-kit".
export * from "./index.js";
export { InFlight } from "./rpc/in-flight.js";
export { kitSchema } from "./store/kit-schema.js";
export { applySchemaModules } from "./store/schema-modules.js";
