import type { EventContract } from "@bazaar/contracts";
import { orderViews, orderViewsNext } from "./db/schema.js";
import { SOURCE_EVENTS, views } from "./declaration.js";
import { project } from "./projection.js";
import type { Rebuilder } from "./rebuild.js";

/**
 * Every event order-views consumes, one subscription each. The handler of each is its case in
 * `project` (projection.ts): the same code builds the live model and a rebuild, so they cannot drift.
 * While a rebuild runs, events also go to the table being rebuilt.
 */
export function subscriptions(rebuild: Rebuilder) {
  const on = (event: EventContract) =>
    views.on(event, (envelope, ctx) => {
      project(ctx.tx, orderViews, envelope);
      if (rebuild.active) project(ctx.tx, orderViewsNext, envelope);
    });
  return SOURCE_EVENTS.map(on);
}
