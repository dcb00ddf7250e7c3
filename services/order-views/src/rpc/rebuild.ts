import { orderViews as contracts } from "@bazaar/contracts";
import { views } from "../declaration.js";

/** Starts a rebuild (CONFLICT while one runs); poll `rebuildStatus` for progress. */
export const rebuild = views.handle(contracts.rebuild, (_input, ctx) => ctx.deps.rebuilder.start());

export const rebuildStatus = views.handle(contracts.rebuildStatus, (_input, ctx) =>
  ctx.deps.rebuilder.status(),
);
