// The whole kit API in one small service: contracts, a store, an RPC command that changes state and emits
// an event in one transaction, a streaming list, an idempotent consumer, and the definition.
import { defineEvent, defineRpc, defineStream } from "@bazaar/contracts";
import { eq, gt, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import * as v from "valibot";
import { declareService } from "../index.js";

const GREETINGS = defineStream({
  name: "GREETINGS",
  owner: "greeter",
  subjects: ["evt.greeting.>"],
  description: "Greetings sent by the example greeter",
});
export const greet = defineRpc({
  service: "greeter",
  name: "greet",
  description: "Greet someone and count it",
  command: true,
  request: v.object({ name: v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(50)) }),
  response: v.object({ greeting: v.string(), times: v.number() }),
});
export const listGreeted = defineRpc({
  service: "greeter",
  name: "list",
  description: "Everyone greeted, streamed",
  streaming: true,
  request: v.object({}),
  response: v.object({ name: v.string(), times: v.number() }),
});
export const greeted = defineEvent({
  type: "greeting.sent",
  version: 1,
  publisher: "greeter",
  stream: GREETINGS,
  description: "Someone was greeted",
  data: v.object({ name: v.string() }),
});

export const people = sqliteTable("people", {
  name: text("name").primaryKey(),
  times: integer("times").notNull(),
});
export const audit = sqliteTable("audit", {
  eventId: text("event_id").primaryKey(),
  name: text("name").notNull(),
});
const ddl =
  "CREATE TABLE people (name TEXT PRIMARY KEY, times INTEGER NOT NULL); CREATE TABLE audit (event_id TEXT PRIMARY KEY, name TEXT NOT NULL);";

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
