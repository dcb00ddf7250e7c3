import { defineEvent, defineStream } from "@bazaar/contracts";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { partitionOf } from "../partitions/partition-of.js";
import { consumeFilter, publishSubject } from "./event-subjects.js";

const stream = defineStream({ name: "THINGS", owner: "things", subjects: ["evt.thing.>"], description: "t" });
const data = v.object({ thingId: v.string() });
const keyed = defineEvent({
  type: "thing.made",
  version: 1,
  publisher: "things",
  stream,
  description: "keyed",
  data,
  partitionKey: (d) => d.thingId,
});
const unkeyed = defineEvent({
  type: "thing.seen",
  version: 1,
  publisher: "things",
  stream,
  description: "u",
  data,
});

describe("event subjects with partitions", () => {
  it("publishes a keyed event on its key's partition once there are partitions, else on its own subject", () => {
    const p = partitionOf({ key: "t-1", partitions: 8 });
    expect(publishSubject(keyed, { thingId: "t-1" }, 8)).toBe(`evt.thing.made.v1.${p}`);
    expect(publishSubject(keyed, { thingId: "t-1" }, 1)).toBe("evt.thing.made.v1");
    expect(publishSubject(unkeyed, { thingId: "t-1" }, 8)).toBe("evt.thing.seen.v1");
  });

  it("reads one partition for a partition's consumer, every partition for anyone else", () => {
    expect(consumeFilter(keyed, 8, 3)).toBe("evt.thing.made.v1.3");
    expect(consumeFilter(keyed, 8)).toBe("evt.thing.made.v1.*");
    expect(consumeFilter(keyed, 1)).toBe("evt.thing.made.v1");
    expect(consumeFilter(unkeyed, 8)).toBe("evt.thing.seen.v1");
  });
});
