import { type ServiceEntry, topology } from "./topology.js";

export { type ServiceEntry, type ServiceName, type Topology, topology } from "./topology.js";

/** A service of the registry, with its literal types (its name is a `ServiceName`). */
export type Service = (typeof topology.services)[number];

/** Every service, in the registry's order. */
export const services: readonly Service[] = topology.services;

/** `findService` accepts `users` or `@bazaar/users`, and names the known services when it fails. */
export function findService(name: string): Service {
  const found = services.find((s) => s.name === name || s.package === name);
  if (!found)
    throw new Error(`unknown service "${name}"; services: ${services.map((s) => s.name).join(", ")}`);
  return found;
}

/** The public door (the gateway): clients and the console speak only to it. */
export function edgeService(): Service {
  const edge = services.filter((s) => s.edge);
  if (edge.length !== 1) throw new Error(`the registry must name one edge service, not ${edge.length}`);
  return edge[0] as Service;
}

/**
 * `startStages` groups services by their start stage, earliest first, each group in the registry's order:
 * start a group's services together, and the next group once they are all ready.
 */
export function startStages<S extends Pick<ServiceEntry, "stage">>(list: readonly S[]): S[][] {
  const stages = [...new Set(list.map((s) => s.stage))].sort((a, b) => a - b);
  return stages.map((stage) => list.filter((s) => s.stage === stage));
}

/** `startOrder` is the services one after another, in start order (for starting them one at a time). */
export function startOrder<S extends Pick<ServiceEntry, "stage">>(list: readonly S[]): S[] {
  return startStages(list).flat();
}

/** `stopStages` is the reverse of `startStages`: the door closes first, the services it calls after. */
export function stopStages<S extends Pick<ServiceEntry, "stage">>(list: readonly S[]): S[][] {
  return startStages(list).reverse();
}
