import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NatsToolsError } from "../errors.js";

/** An allow-list and a deny-list of subjects (a subject on both is denied). */
export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** One service's NATS user: what it may publish and subscribe to, and how it may answer requests. */
export interface ServicePermissions {
  readonly service: string;
  /** The variable the server reads this user's password from. */
  readonly passwordVariable: string;
  readonly inboxPrefix: string;
  readonly publish: SubjectRules;
  /** `"<subject> <queue>"` entries allow that subject in that queue group only. */
  readonly subscribe: SubjectRules;
  readonly responses: { readonly max: number; readonly expiresMs: number };
}

/**
 * The broker permissions of every service, as the service kit derives them from the declarations
 * (`deriveBrokerPermissions`). It is generated (`pnpm broker:config`) and committed with the server
 * configuration that enforces it (`authorization.conf`), so starting a broker needs no service code; a
 * test fails when either falls behind the declarations.
 */
export interface BrokerPermissionsFile {
  readonly operator: { readonly user: string; readonly passwordVariable: string };
  readonly services: readonly ServicePermissions[];
}

/** The committed, generated permissions file. */
export const PERMISSIONS_FILE = fileURLToPath(new URL("../../broker/permissions.json", import.meta.url));

function isRules(value: unknown): value is SubjectRules {
  const r = value as SubjectRules | undefined;
  return (
    Array.isArray(r?.allow) &&
    Array.isArray(r?.deny) &&
    [...r.allow, ...r.deny].every((s) => typeof s === "string")
  );
}

function isService(value: unknown): value is ServicePermissions {
  const s = value as ServicePermissions | undefined;
  return (
    typeof s?.service === "string" &&
    /^[a-z][a-z0-9-]*$/.test(s.service) &&
    typeof s.passwordVariable === "string" &&
    typeof s.inboxPrefix === "string" &&
    isRules(s.publish) &&
    isRules(s.subscribe) &&
    typeof s.responses?.max === "number" &&
    typeof s.responses.expiresMs === "number"
  );
}

/** `parsePermissions` checks the shape of a permissions file's content. */
export function parsePermissions(text: string, where = PERMISSIONS_FILE): BrokerPermissionsFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new NatsToolsError(`${where} is not JSON: run \`pnpm broker:config\``, { cause: err });
  }
  const file = value as BrokerPermissionsFile | undefined;
  if (
    typeof file?.operator?.user !== "string" ||
    typeof file.operator.passwordVariable !== "string" ||
    !Array.isArray(file.services) ||
    !file.services.every(isService)
  ) {
    throw new NatsToolsError(`${where} is not a broker permissions file: run \`pnpm broker:config\``);
  }
  return file;
}

/** `loadPermissions` reads the committed permissions file (or another one). */
export function loadPermissions(file: string = PERMISSIONS_FILE): BrokerPermissionsFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new NatsToolsError(`cannot read ${file}: run \`pnpm broker:config\``, { cause: err });
  }
  return parsePermissions(text, file);
}
