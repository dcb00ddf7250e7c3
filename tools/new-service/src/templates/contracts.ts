import type { Names } from "../names.js";

/** `packages/contracts/src/<name>/<name>.ts`: the entity, its two RPCs and its first event. */
export function contractsModule(n: Names): string {
  const e = n.entity;
  return `import * as v from "valibot";
import { Id, Timestamp } from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { ${n.upper}_STREAM } from "../streams.js";

const Name = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(120));

/** A ${e.words} as ${n.name} serves it. Its fields are also in services/${n.name}/src/db/schema.ts. */
export const ${e.pascal} = v.object({
  ${e.camel}Id: Id,
  name: v.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ${e.pascal} = v.InferOutput<typeof ${e.pascal}>;

export const create${e.pascal} = defineRpc({
  service: "${n.name}",
  name: "create${e.pascal}",
  description: "Create a ${e.words}. Idempotent per idempotency key: a retry gets the first answer.",
  request: v.object({ name: Name }),
  response: ${e.pascal},
  errors: ["BAD_REQUEST", "UNPROCESSABLE"],
  command: true,
});

export const get${e.pascal} = defineRpc({
  service: "${n.name}",
  name: "get${e.pascal}",
  description: "One ${e.words} by id.",
  request: v.object({ ${e.camel}Id: Id }),
  response: ${e.pascal},
  errors: ["NOT_FOUND"],
});

export const ${e.camel}Created = defineEvent({
  type: "${e.snake}.created",
  version: 1,
  publisher: "${n.name}",
  stream: ${n.upper}_STREAM,
  description: "A ${e.words} was created.",
  data: v.object({ ${e.camel}Id: Id, name: v.string() }),
});
`;
}

/** `packages/contracts/src/<name>/index.ts`: the hand-written list of what the module exports. */
export function contractsIndex(n: Names): string {
  const e = n.entity;
  return `export { create${e.pascal}, ${e.pascal}, ${e.camel}Created, get${e.pascal} } from "./${n.name}.js";\n`;
}

/** The stream definition appended to `packages/contracts/src/streams.ts`. */
export function streamDefinition(n: Names): string {
  return `export const ${n.upper}_STREAM = defineStream({
  name: "${n.upper}",
  owner: "${n.name}",
  subjects: ["evt.${n.entity.snake}.>"],
  description: "Facts published by ${n.name} (${n.entity.snake}.created).",
});
`;
}

/** `packages/contracts/fixtures/<type>.v1/01.json`: a sample payload the compatibility test keeps valid. */
export function eventFixture(n: Names): string {
  const e = n.entity;
  const fixture = {
    id: `evt-${e.kebab}-created-1`,
    type: `${e.snake}.created`,
    version: 1,
    occurredAt: "2026-12-01T10:00:00.000Z",
    source: n.name,
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    data: { [`${e.camel}Id`]: `${e.kebab}-1`, name: `First ${e.words}` },
  };
  return `${JSON.stringify(fixture, null, 2)}\n`;
}
