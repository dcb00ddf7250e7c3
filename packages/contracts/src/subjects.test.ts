import { describe, expect, it } from "vitest";
import { ALL_EVENTS, ALL_RPCS } from "./catalog.js";
import { eventPartitionSubject, eventSubjectOf, subjectMatches } from "./define.js";
import { STREAMS } from "./streams.js";

describe("subjects", () => {
  it("never lets a stream capture an RPC subject (the stream would answer the request with a PubAck)", () => {
    for (const rpc of ALL_RPCS) {
      for (const stream of STREAMS) {
        for (const filter of stream.subjects) {
          expect(
            subjectMatches(filter, rpc.subject),
            `${stream.name} (${filter}) captures ${rpc.subject}`,
          ).toBe(false);
        }
      }
    }
  });

  it("keeps a partitioned event in its stream, and its contract subject readable from the published one", () => {
    const keyed = ALL_EVENTS.filter((e) => e.partitionKey);
    expect(keyed.length).toBeGreaterThan(0);
    for (const event of keyed) {
      const published = eventPartitionSubject(event, 13);
      expect(published).toBe(`${event.subject}.13`);
      expect(
        STREAMS.filter((s) => s.subjects.some((f) => subjectMatches(f, published))).map((s) => s.name),
      ).toEqual([event.stream.name]);
      expect(eventSubjectOf(published)).toBe(event.subject);
      // A contract subject ends with its version, never a bare number: it is left as it is.
      expect(eventSubjectOf(event.subject)).toBe(event.subject);
      expect(subjectMatches(eventPartitionSubject(event, "*"), published)).toBe(true);
      expect(subjectMatches(eventPartitionSubject(event, "*"), event.subject)).toBe(false);
    }
  });

  it("stores every event in exactly its declared stream, owned by its publisher", () => {
    for (const event of ALL_EVENTS) {
      const capturing = STREAMS.filter((s) => s.subjects.some((f) => subjectMatches(f, event.subject)));
      expect(
        capturing.map((s) => s.name),
        event.subject,
      ).toEqual([event.stream.name]);
      expect(capturing[0]?.owner).toBe(event.publisher);
    }
  });

  it("has no two streams with overlapping subjects", () => {
    const filters = STREAMS.flatMap((s) =>
      s.subjects.map((f) => ({ stream: s.name, prefix: f.replace(/\.>$/, "") })),
    );
    for (const a of filters) {
      for (const b of filters) {
        if (a === b) continue;
        expect(
          a.prefix.startsWith(`${b.prefix}.`) || a.prefix === b.prefix,
          `${a.stream} overlaps ${b.stream}`,
        ).toBe(false);
      }
    }
  });

  it("gives every RPC and every event a unique subject", () => {
    const subjects = [...ALL_RPCS.map((r) => r.subject), ...ALL_EVENTS.map((e) => e.subject)];
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it("names events as past-tense facts with a version in the subject", () => {
    for (const event of ALL_EVENTS) {
      expect(event.subject).toBe(`evt.${event.type}.v${event.version}`);
      expect(event.type).toMatch(
        /\.(registered|reserved|released|committed|low|completed|failed|refunded|created|cancelled|placed|confirmed|requires_attention|alert)$/,
      );
    }
  });

  it("matches NATS wildcards like the server does", () => {
    expect(subjectMatches("evt.order.>", "evt.order.placed.v1")).toBe(true);
    expect(subjectMatches("evt.order.>", "evt.order")).toBe(false);
    expect(subjectMatches("evt.*.placed.v1", "evt.order.placed.v1")).toBe(true);
    expect(subjectMatches("evt.*", "evt.order.placed")).toBe(false);
    expect(subjectMatches("rpc.orders.getOrder", "rpc.orders.getOrder")).toBe(true);
  });
});
