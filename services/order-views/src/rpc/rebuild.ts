import { orderViews } from "@bazaar/contracts";
import { orderViewsService } from "../declaration.js";

/** Starts a rebuild (CONFLICT while one runs); poll `rebuildStatus` for progress. */
export const rebuild = orderViewsService.handle(orderViews.rebuild, (_input, ctx) =>
  ctx.deps.rebuilder.start(),
);

export const rebuildStatus = orderViewsService.handle(orderViews.rebuildStatus, (_input, ctx) =>
  ctx.deps.rebuilder.status(),
);
