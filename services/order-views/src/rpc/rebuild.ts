import { orderViews as contracts } from "@bazaar/contracts";
import { views } from "../declaration.js";
import type { Rebuilder } from "../rebuild.js";

/** Starts a rebuild (CONFLICT while one runs); poll `rebuildStatus` for progress. */
export const rebuild = (rebuilder: Rebuilder) => views.handle(contracts.rebuild, () => rebuilder.start());

export const rebuildStatus = (rebuilder: Rebuilder) =>
  views.handle(contracts.rebuildStatus, () => rebuilder.status());
