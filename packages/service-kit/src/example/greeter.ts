// The whole kit API in one small service: a declared store and event, an RPC command that changes state
// and emits the event in one idempotent transaction, a streaming list, an idempotent consumer, and the
// definition that `runService` runs. (Its contracts and tables are in greeter-contracts.ts.)
import { eq, gt, sql } from "drizzle-orm";
import { declareService } from "../index.js";
import { audit, ddl, greet, greeted, listGreeted, people } from "./greeter-contracts.js";

export { greet, greeted, listGreeted, people } from "./greeter-contracts.js";

const greeter = declareService({
  name: "greeter",
  version: "1.0.0",
  description: "Example service showing the whole kit API",
  store: { schema: { people, audit }, modules: [{ name: "greeter", migrations: [ddl] }] },
  emits: [greeted],
});

const greetOne = greeter.handle(greet, (input, ctx) =>
  ctx.idempotent((tx, outbox) => {
    tx.insert(people)
      .values({ name: input.name, times: 1 })
      .onConflictDoUpdate({ target: people.name, set: { times: sql`${people.times} + 1` } })
      .run();
    outbox.emit(greeted, { name: input.name });
    return {
      greeting: `Hello, ${input.name}!`,
      times: tx.select().from(people).where(eq(people.name, input.name)).get()?.times ?? 1,
    };
  }),
);

const listAll = greeter.handle(listGreeted, async function* (_input, ctx) {
  for (let after = "", rows = []; ; after = rows.at(-1)?.name ?? after) {
    rows = ctx.db.select().from(people).where(gt(people.name, after)).orderBy(people.name).limit(100).all();
    if (rows.length === 0) return;
    yield* rows;
  }
});

const recordGreeting = greeter.on(greeted, (event, ctx) => {
  ctx.tx.insert(audit).values({ eventId: event.id, name: event.data.name }).run();
});

export const service = greeter.define({ serves: [greetOne, listAll], consumes: [recordGreeting] });
