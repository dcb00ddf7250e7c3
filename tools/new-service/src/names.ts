import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** `NameError` is bad input from the caller (the CLI exits 2 with its message). */
export class NameError extends Error {
  override readonly name = "NameError";
}

/** A service name: lower-case letters, digits and dashes, 2 to 31 characters, starting with a letter. */
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,29}[a-z0-9]$/;

/** An entity name (kebab-case letters): event types allow no digits (`<entity>.created`). */
export const ENTITY_NAME = /^[a-z]+(-[a-z]+)*$/;

/**
 * Names that are taken although no service has them: broker users (`operator`), the dev runner's other
 * processes, subject prefixes, and the identifiers the templates use next to the contracts' namespace.
 */
const RESERVED = new Set([
  "operator",
  "console",
  "nats",
  "rpc",
  "evt",
  "dlq",
  "sys",
  "kit",
  "all",
  "service",
  "schema",
  "contracts",
  "topology",
  "testing",
  "main",
  "get",
  "create",
  "describe",
  "expect",
]);

/** Every spelling the templates need of one service and its entity. */
export interface Names {
  /** `gift-cards`: folder, package, broker user, `rpc.<name>.*`. */
  readonly name: string;
  /** `giftCards`: the contracts namespace (`import { giftCards } from "@bazaar/contracts"`). */
  readonly camel: string;
  /** `GiftCards`. */
  readonly pascal: string;
  /** `GIFT_CARDS`: the stream. */
  readonly upper: string;
  /** `gift_cards`: the SQLite table. */
  readonly snake: string;
  /** `GIFT_CARDS_PORT` is the dev runner's override of its port. */
  readonly portVariable: string;
  readonly entity: {
    /** `gift-card`: file names (`rpc/create-gift-card.ts`). */
    readonly kebab: string;
    /** `giftCard`. */
    readonly camel: string;
    /** `GiftCard`: the schema, `createGiftCard`. */
    readonly pascal: string;
    /** `gift_card`: the event type (`gift_card.created`) and the stream's subjects (`evt.gift_card.>`). */
    readonly snake: string;
    /** `gift card`: prose. */
    readonly words: string;
  };
}

const words = (kebab: string): string[] => kebab.split("-");
const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `singular` is a plain English singular of the last word: `reviews` → `review`, `categories` → `category`. */
export function singular(word: string): string {
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (/[^su]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/** `deriveNames` spells out a valid name and its entity (by default the singular of the name). */
export function deriveNames(name: string, entity?: string): Names {
  const parts = words(name);
  const entityKebab = entity ?? [...parts.slice(0, -1), singular(parts.at(-1) ?? name)].join("-");
  const entityParts = words(entityKebab);
  const camel = parts.map((p, i) => (i === 0 ? p : capital(p))).join("");
  return {
    name,
    camel,
    pascal: parts.map(capital).join(""),
    upper: parts.join("_").toUpperCase(),
    snake: parts.join("_"),
    portVariable: `${parts.join("_").toUpperCase()}_PORT`,
    entity: {
      kebab: entityKebab,
      camel: entityParts.map((p, i) => (i === 0 ? p : capital(p))).join(""),
      pascal: entityParts.map(capital).join(""),
      snake: entityParts.join("_"),
      words: entityParts.join(" "),
    },
  };
}

/**
 * `validateName` checks a new service's name (and entity) against the rules and against the repo at
 * `root`: not a service, a contracts namespace, a stream or an event prefix that exists. It throws a
 * `NameError` that says what to do, or returns every spelling of the name.
 */
export function validateName(root: string, name: string, entity?: string): Names {
  if (!SERVICE_NAME.test(name) || name.includes("--"))
    throw new NameError(
      `"${name}" is not a service name: use 2-31 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash (e.g. reviews, gift-cards)`,
    );
  if (RESERVED.has(name)) throw new NameError(`"${name}" is reserved: choose another name`);
  if (entity !== undefined && !ENTITY_NAME.test(entity))
    throw new NameError(
      `"${entity}" is not an entity name: use lower-case letters and single dashes (e.g. review, gift-card)`,
    );
  const names = deriveNames(name, entity);
  if (!ENTITY_NAME.test(names.entity.kebab))
    throw new NameError(
      `cannot derive an entity from "${name}" (event types have no digits): pass one with --entity, e.g. --entity item`,
    );

  const taken = (path: string) => existsSync(join(root, path));
  if (taken(`services/${name}`)) throw new NameError(`services/${name} exists: ${name} is already a service`);
  if (taken(`packages/contracts/src/${name}`))
    throw new NameError(`packages/contracts/src/${name} exists: ${name} is already a contracts namespace`);
  const topology = readFileSync(join(root, "packages/topology/src/topology.ts"), "utf8");
  if (topology.includes(`name: "${name}"`))
    throw new NameError(`${name} is already in the registry (packages/topology/src/topology.ts)`);
  const contractsIndex = readFileSync(join(root, "packages/contracts/src/index.ts"), "utf8");
  if (new RegExp(`\\b${names.camel}\\b`).test(contractsIndex))
    throw new NameError(`@bazaar/contracts already exports ${names.camel}: choose another name`);
  const streams = readFileSync(join(root, "packages/contracts/src/streams.ts"), "utf8");
  if (streams.includes(`name: "${names.upper}"`))
    throw new NameError(`a stream named ${names.upper} exists (packages/contracts/src/streams.ts)`);
  if (streams.includes(`"evt.${names.entity.snake}.>"`))
    throw new NameError(
      `events of type ${names.entity.snake}.* belong to another service's stream: pass another --entity`,
    );
  return names;
}
