import {
  DEAD_LETTER_STREAM,
  type EventContract,
  eventPartitionSubject,
  partitionSubject,
  type StreamContract,
} from "@bazaar/contracts";
import { consumerName } from "../events/consumer.js";
import { deadLetterFilter } from "../events/dead-letters.js";
import { partitionLeaseGrants } from "../partitions/lease-grants.js";
import { RPC_QUEUE } from "../rpc/rpc-server.js";
import { HEALTH_SUBJECT } from "../service/health-wiring.js";
import { partitionControlPrefix } from "../service/phases/partition-control.js";
import type { ServiceDefinition } from "../service/types.js";
import { adminApiGrants } from "./admin-grants.js";
import { inboxPrefix, streamCreditPrefix } from "./inbox-prefix.js";
import { js } from "./jetstream-subjects.js";

const WILDCARD = "*";

/** An allow-list and a deny-list of subjects; a subject on both is denied (nats-server's rule). */
export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** How many replies a user may publish to the reply subject of a message it received, and for how long. */
export interface ResponseRules {
  readonly max: number;
  readonly expiresMs: number;
}

/** One service's broker identity: a NATS user named after the service, and what it may do. */
export interface ServiceIdentity {
  readonly service: string;
  /** The variable a broker reads this user's password from (`NATS_PASSWORD_ORDER_VIEWS`). */
  readonly passwordVariable: string;
  /** Its replies arrive under this prefix (the kit connects with it). */
  readonly inboxPrefix: string;
  readonly publish: SubjectRules;
  /** A served subject is `"<subject> <queue>"`: it may listen there only in its queue group. */
  readonly subscribe: SubjectRules;
  readonly responses: ResponseRules;
}

/** Every service's identity; the operator (`OPERATOR_USER`) is the one user with no limits. */
export interface BrokerPermissions {
  readonly operator: { readonly user: string; readonly passwordVariable: string };
  readonly services: readonly ServiceIdentity[];
}

/** The operator's user: the console's `nats` CLI context, provisioning, tests' own connections. */
export const OPERATOR_USER = "operator";

/** Replies of a streaming endpoint: one per chunk, for as long as the longest stream takes. */
const STREAMING_RESPONSES: ResponseRules = { max: 1_000_000, expiresMs: 10 * 60 * 1000 };

export interface DeriveBrokerPermissionsOptions {
  /** Every service of the system (their durables are each other's deny-lists). */
  readonly services: readonly ServiceDefinition[];
  /** Services that serve the operator's admin API, and so also hold `adminApiGrants`. */
  readonly adminApi?: readonly string[];
  /**
   * The most partitions the system may run with (`PARTITIONS`, default 16): a partitioned service's
   * durables are one per partition, each named in its grants and in everyone else's deny-list.
   */
  readonly partitions?: number;
}

/** The `partitions` the permissions are derived for unless told otherwise (the manifests' `PARTITIONS`). */
export const DEFAULT_GRANTED_PARTITIONS = 16;

/** `passwordVariable` names the environment variable a broker reads a user's password from. */
export function passwordVariable(user: string): string {
  return `NATS_PASSWORD_${user.replace(/-/g, "_").toUpperCase()}`;
}

const unique = (subjects: readonly string[]): string[] => [...new Set(subjects)];

function streamsOf(events: readonly EventContract[]): Map<string, StreamContract> {
  return new Map(events.map((e) => [e.stream.name, e.stream]));
}

/** A service's durables for one event: one, or one per partition for a partitioned service. */
function durablesOf(def: ServiceDefinition, event: EventContract, partitions: number): string[] {
  if (!def.partitioned) return [consumerName(def.name, event)];
  return Array.from({ length: partitions }, (_, p) => consumerName(def.name, event, p));
}

/** Every durable consumer of the system, per stream: what no other service may create, pull or delete. */
function durablesByStream(
  services: readonly ServiceDefinition[],
  partitions: number,
): Map<string, Map<string, string>> {
  const byStream = new Map<string, Map<string, string>>();
  for (const def of services) {
    for (const c of def.consumes) {
      const durables = byStream.get(c.event.stream.name) ?? new Map<string, string>();
      for (const name of durablesOf(def, c.event, partitions)) durables.set(name, def.name);
      byStream.set(c.event.stream.name, durables);
    }
  }
  return byStream;
}

function publishRules(
  def: ServiceDefinition,
  durables: Map<string, Map<string, string>>,
  partitions: number,
): { allow: string[]; deny: string[] } {
  const allow: string[] = [js.info];
  const deny: string[] = [];
  // Requests: only the RPCs it declares it calls (and credit for the streaming ones).
  for (const call of def.calls) {
    allow.push(call.subject);
    // A partitioned contract is also served per partition: `rpc.<service>.<partition>.<name>`.
    if (call.partitionKey || call.gather) allow.push(partitionSubject(call, WILDCARD));
    if (call.streaming) allow.push(`${streamCreditPrefix(call.service)}.*`);
  }
  // Events: only its own (declareService already refuses an event another service publishes).
  // A keyed event is published on its partition's subject once there are partitions.
  for (const event of def.emits) {
    allow.push(event.subject);
    if (event.partitionKey) allow.push(eventPartitionSubject(event, WILDCARD));
  }
  if (def.emits.length > 0) allow.push(js.streamNames);
  if (def.partitioned) allow.push(...partitionLeaseGrants(def.name).publish);
  // Streams it owns: create and update (never delete or purge); the dead letters are every consumer's.
  const owned = streamsOf(def.emits);
  if (def.consumes.length > 0) owned.set(DEAD_LETTER_STREAM.name, DEAD_LETTER_STREAM);
  for (const name of owned.keys())
    allow.push(js.streamCreate(name), js.streamUpdate(name), js.streamInfo(name));
  if (def.consumes.length > 0) {
    const dl = DEAD_LETTER_STREAM.name;
    // Its own dead letters' count and age (the kit's dead-letter metrics): an ordered read filtered on its
    // own `dlq.<service>.>` subjects only; listing and replaying them all is the gateway's (admin) grant.
    allow.push(
      deadLetterFilter(def.name),
      js.consumerCreateFiltered(dl, "*", deadLetterFilter(def.name)),
      js.consumerInfo(dl, "*"),
      js.next(dl, "*"),
      js.consumerDelete(dl, "*"),
    );
  }
  // Streams it reads: through its own durables, and ordered (ephemeral) reads filtered on what it consumes.
  const consumed = new Map<string, EventContract[]>();
  for (const c of def.consumes)
    consumed.set(c.event.stream.name, [...(consumed.get(c.event.stream.name) ?? []), c.event]);
  for (const [stream, events] of consumed) {
    allow.push(js.streamInfo(stream));
    for (const event of events) {
      for (const own of durablesOf(def, event, partitions))
        allow.push(
          js.consumerCreate(stream, own),
          `${js.consumerCreate(stream, own)}.>`,
          js.durableCreate(stream, own),
          js.consumerInfo(stream, own),
          js.next(stream, own),
          js.ack(stream, own),
        );
      allow.push(js.consumerCreateFiltered(stream, "*", event.subject));
      if (event.partitionKey)
        allow.push(js.consumerCreateFiltered(stream, "*", eventPartitionSubject(event, WILDCARD)));
    }
    allow.push(js.consumerInfo(stream, "*"), js.next(stream, "*"), js.consumerDelete(stream, "*"));
    // The wildcards above are for its ephemeral reads: another service's durable stays out of reach.
    for (const [durable, owner] of durables.get(stream) ?? []) {
      if (owner === def.name) continue;
      deny.push(
        js.consumerCreate(stream, durable),
        `${js.consumerCreate(stream, durable)}.>`,
        js.durableCreate(stream, durable),
        js.next(stream, durable),
        js.consumerDelete(stream, durable),
      );
    }
  }
  return { allow, deny };
}

function subscribeRules(def: ServiceDefinition): string[] {
  return [
    `${inboxPrefix(def.name)}.>`,
    ...def.serves.map((s) => `${s.contract.subject} ${RPC_QUEUE}`),
    ...(def.partitioned
      ? def.serves.map((s) => `${partitionSubject(s.contract, WILDCARD)} ${RPC_QUEUE}`)
      : []),
    // The operator's handover requests to its instances (only the operator may publish on `ops.>`).
    ...(def.partitioned ? [`${partitionControlPrefix(def.name)}.>`] : []),
    // The services API (`nats micro`): the discovery subjects, and its own name's.
    "$SRV.PING",
    "$SRV.INFO",
    "$SRV.STATS",
    `$SRV.*.${def.name}`,
    `$SRV.*.${def.name}.*`,
    HEALTH_SUBJECT,
    `${HEALTH_SUBJECT}.${def.name}`,
  ];
}

/** One reply per request, for as long as the slowest endpoint's callers wait (discovery and health are instant). */
function responseRules(def: ServiceDefinition): ResponseRules {
  if (def.serves.some((s) => s.contract.streaming)) return STREAMING_RESPONSES;
  const longest = Math.max(0, ...def.serves.map((s) => s.contract.timeoutMs));
  return { max: 1, expiresMs: Math.max(60_000, 2 * longest) };
}

/**
 * `deriveBrokerPermissions` turns the services' declarations into their broker identities. A service may:
 * request only the RPCs it declares it calls; answer only its own endpoints, in its queue group; publish
 * only its own events (and its own dead letters); create and update only the streams of its events (and
 * the dead-letter stream when it consumes); read other streams only through its own durables (create,
 * pull, ack) or ephemeral reads filtered on the events it consumes, never another service's durable; and
 * receive replies only on its own inbox prefix. Nothing may delete or purge a stream but the operator.
 * The services in `adminApi` also hold the admin API's grants (`adminApiGrants`).
 *
 * @example
 * const permissions = deriveBrokerPermissions({ services: [users, orders], adminApi: ["gateway"] });
 */
export function deriveBrokerPermissions(options: DeriveBrokerPermissionsOptions): BrokerPermissions {
  const names = options.services.map((s) => s.name);
  if (names.includes(OPERATOR_USER))
    throw new Error(`no service may be named "${OPERATOR_USER}": it is the operator's user`);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`service ${duplicate} is declared twice`);
  for (const admin of options.adminApi ?? []) {
    if (!names.includes(admin)) throw new Error(`the admin API's service ${admin} is not among the services`);
  }
  const partitions = options.partitions ?? DEFAULT_GRANTED_PARTITIONS;
  const durables = durablesByStream(options.services, partitions);
  const admin = adminApiGrants(options.services);
  const services = [...options.services]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((def): ServiceIdentity => {
      const publish = publishRules(def, durables, partitions);
      const subscribe = subscribeRules(def);
      const isAdmin = options.adminApi?.includes(def.name) ?? false;
      return {
        service: def.name,
        passwordVariable: passwordVariable(def.name),
        inboxPrefix: inboxPrefix(def.name),
        publish: {
          allow: unique([...publish.allow, ...(isAdmin ? admin.publish : [])]),
          deny: unique(publish.deny),
        },
        subscribe: { allow: unique([...subscribe, ...(isAdmin ? admin.subscribe : [])]), deny: [] },
        responses: responseRules(def),
      };
    });
  return { operator: { user: OPERATOR_USER, passwordVariable: passwordVariable(OPERATOR_USER) }, services };
}
