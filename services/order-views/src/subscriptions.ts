import type { EventContract } from "@bazaar/contracts";
import { orderViewRows, orderViewsNext } from "./db/schema.js";
import { orderViewsService, SOURCE_EVENTS } from "./declaration.js";
import { project } from "./projection.js";

/**
 * Every event order-views consumes, one subscription each. The handler of each is its case in
 * `project` (projection.ts): the same code builds the live model and a rebuild, so they cannot drift.
 * While a rebuild runs, events also go to the table being rebuilt.
 */
export const subscriptions = SOURCE_EVENTS.map((event: EventContract) =>
  orderViewsService.on(event, (envelope, ctx) => {
    project(ctx.tx, orderViewRows, envelope);
    if (ctx.deps.rebuilder.active) project(ctx.tx, orderViewsNext, envelope);
  }),
);
