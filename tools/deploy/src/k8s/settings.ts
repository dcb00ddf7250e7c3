/**
 * What the Kubernetes manifests and Dockerfiles agree on. Changing a value here and running
 * `pnpm --filter @bazaar/deploy run generate` updates every generated file.
 */

/** Every service listens on the same container port: each pod has its own address. */
export const HTTP_PORT = 8080;
/** Where a SQLite-owning service's volume is mounted, and so its `DATA_DIR`. */
export const DATA_DIR = "/data";
/** The `node` user of the official Node images; pods and images run as it, never as root. */
export const NODE_UID = 1000;
/** The ConfigMap of the variables every service shares (NODE_ENV, HOST, NATS_URL, JS_REPLICAS, ...). */
export const SHARED_ENV_CONFIGMAP = "bazaar-env";

/** The kit's health routes: liveness never checks dependencies; readiness checks them all. */
export const LIVENESS_PATH = "/health/live";
export const READINESS_PATH = "/health/ready";
export const METRICS_PATH = "/metrics";
/**
 * Prometheus scrapes `/metrics` on a port of its own (the kit's `METRICS_PORT`), which no Service
 * exposes: the gateway's public port then serves no metrics, and every pod is shaped the same.
 */
export const METRICS_PORT = 9464;

/** A variable read from a Secret key. */
export interface SecretVar {
  readonly name: string;
  readonly secret: string;
  readonly key: string;
}

/**
 * Each service connects to NATS as its own user (named after it), whose permissions come from its
 * declaration; the operator has a user of its own. A user's password is in its own Secret
 * (`nats-user-<user>`, key `password`), which its service and the NATS servers read.
 */
export function natsUserSecret(user: string): string {
  return `nats-user-${user}`;
}
export const NATS_PASSWORD_KEY = "password";

/** The NATS password a service reads from its own user's Secret. */
export function natsPassword(service: string): SecretVar {
  return { name: "NATS_PASSWORD", secret: natsUserSecret(service), key: NATS_PASSWORD_KEY };
}

/** Secrets a service needs besides NATS's. users refuses to start in production without these. */
export const SERVICE_SECRETS: Readonly<Record<string, readonly SecretVar[]>> = {
  users: [
    { name: "JWT_PRIVATE_JWK", secret: "users-secrets", key: "jwt-private-jwk" },
    { name: "ADMIN_PASSWORD", secret: "users-secrets", key: "admin-password" },
    { name: "CUSTOMER_PASSWORD", secret: "users-secrets", key: "customer-password" },
  ],
};

/** Stateless services (no SQLite) run as a Deployment with this many replicas behind a Service. */
export const STATELESS_REPLICAS = 2;

/**
 * A partitioned service's StatefulSet runs this many pods; pod *i* owns the partitions `p` with
 * `p % replicas === i` (its `ORDINAL`, from the pod's index). The partition count, `PARTITIONS` in the
 * shared ConfigMap, is fixed at the first deploy.
 */
export const PARTITIONED_REPLICAS = 2;
/** Where a pod's index is: the label the StatefulSet controller sets on each pod (Kubernetes 1.28 and later). */
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
