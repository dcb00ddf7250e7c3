import type { EventContract, RpcContract } from "@bazaar/contracts";
import { UndeclaredDependencyError } from "../errors/app-error.js";
import type { ServiceDefinition } from "./types.js";

/** `callGuard` refuses a call the service did not declare, naming the fix. */
export function callGuard(def: ServiceDefinition): (contract: RpcContract) => void {
  const allowed = new Set(def.calls);
  return (contract) => {
    if (!allowed.has(contract)) {
      throw new UndeclaredDependencyError(
        `${def.name} calls ${contract.subject} but does not declare it: add it to "calls" in declareService`,
      );
    }
  };
}

/** `emitGuard` refuses an event the service did not declare, naming the fix. */
export function emitGuard(def: ServiceDefinition): (event: EventContract) => void {
  const allowed = new Set(def.emits);
  return (event) => {
    if (!allowed.has(event)) {
      throw new UndeclaredDependencyError(
        `${def.name} emits ${event.type} v${event.version} but does not declare it: add it to "emits" in declareService`,
      );
    }
  };
}
