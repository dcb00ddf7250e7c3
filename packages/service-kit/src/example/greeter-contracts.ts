// The example greeter's contracts and tables. In a real service, contracts live in @bazaar/contracts and
// tables in src/db/schema.ts with drizzle migrations; here they sit next to the example to keep it whole.
import { defineEvent, defineRpc, defineStream } from "@bazaar/contracts";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import * as v from "valibot";

export const GREETINGS = defineStream({
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
export const ddl =
  "CREATE TABLE people (name TEXT PRIMARY KEY, times INTEGER NOT NULL); CREATE TABLE audit (event_id TEXT PRIMARY KEY, name TEXT NOT NULL);";
