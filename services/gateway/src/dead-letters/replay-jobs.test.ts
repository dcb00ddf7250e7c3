import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import {
  createDeadLetters,
  createLogger,
  type DeadLetters,
  ensureStream,
  HEADERS,
  makeHeaders,
} from "@bazaar/service-kit/platform";
import { createTestClient, type TestClient } from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createReplayJobs } from "./replay-jobs.js";

let nats: TestNats;
let client: TestClient;
let deadLetters: DeadLetters;
const log = createLogger({ service: "gateway-test", instance: "test", level: "silent" });

beforeAll(async () => {
  nats = await startTestNats();
  client = await createTestClient(nats.url);
  deadLetters = createDeadLetters({ js: client.js, jsm: client.jsm });
  await ensureStream(client.jsm, DEAD_LETTER_STREAM);
});

afterAll(async () => {
  await client?.close();
  await nats?.dispose();
});

/** Dead letters of a consumer with no stream behind its subject, so discarding is what a test can do. */
async function writeLetters(service: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await client.js.publish(
      `dlq.${service}.evt.thing.happened.v1`,
      JSON.stringify({ id: `${service}-${i}` }),
      {
        headers: makeHeaders({
          [HEADERS.dlqService]: service,
          [HEADERS.dlqConsumer]: `${service}__thing-v1`,
          [HEADERS.dlqSubject]: "evt.thing.happened.v1",
          [HEADERS.dlqError]: `thing ${i} failed`,
          [HEADERS.dlqFailedAt]: new Date().toISOString(),
        }),
      },
    );
}

/** The kit's dead letters, with a scan that waits for `open()` before its first batch. */
function gated(): { deadLetters: DeadLetters; open: () => void } {
  let open = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open: () => open(),
    deadLetters: {
      ...deadLetters,
      async *scan(filter, options) {
        await gate;
        yield* deadLetters.scan(filter, options);
      },
    },
  };
}

const start = (jobs: ReturnType<typeof createReplayJobs>, service: string, key?: string) =>
  jobs.start({
    kind: "discard",
    shown: { service },
    filter: { service },
    startedBy: "op-1",
    idempotencyKey: key,
    reason: "test",
  });

describe("dead-letter jobs", () => {
  it("run one at a time, report progress, and answer a repeated idempotency key with the same job", async () => {
    await writeLetters("alpha", 30);
    const { deadLetters: slow, open } = gated();
    const jobs = createReplayJobs({ deadLetters: slow, log });
    const first = start(jobs, "alpha", "k-1");
    expect(first.repeat).toBe(false);
    expect(first.job).toMatchObject({ status: "running", kind: "discard", matched: 0, startedBy: "op-1" });
    expect(jobs.busy()).toBe(true);

    expect(() => start(jobs, "beta")).toThrow(expect.objectContaining({ code: "CONFLICT" }));
    expect(start(jobs, "alpha", "k-1")).toEqual({ job: first.job, repeat: true });
    expect(() => start(jobs, "beta", "k-1")).toThrow(
      expect.objectContaining({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" }),
    );

    open();
    await vi.waitFor(() => expect(jobs.get(first.job.jobId)?.status).toBe("completed"), { timeout: 10_000 });
    expect(jobs.get(first.job.jobId)).toMatchObject({
      matched: 30,
      discarded: 30,
      replayed: 0,
      failed: 0,
      skipped: 0,
      error: null,
      finishedAt: expect.any(String),
    });
    expect(jobs.busy()).toBe(false);
    expect((await deadLetters.page({ filter: { service: "alpha" } })).items).toEqual([]);
    // Once it ended, the next job may start.
    expect(start(jobs, "beta").repeat).toBe(false);
  });

  it("records a job that could not finish as failed, with how far it got", async () => {
    const jobs = createReplayJobs({ deadLetters, log });
    // Replaying to a subject no stream captures fails each letter; the run gives up after 25 in a row.
    await writeLetters("gamma", 60);
    const { job } = jobs.start({
      kind: "replay",
      shown: { service: "gamma" },
      filter: { service: "gamma" },
      startedBy: undefined,
      idempotencyKey: undefined,
    });
    await vi.waitFor(() => expect(jobs.get(job.jobId)?.status).toBe("failed"), { timeout: 10_000 });
    const failed = jobs.get(job.jobId);
    // Letters go eight at a time: the run stops at the end of the group that reached 25.
    expect(failed).toMatchObject({
      matched: 60,
      replayed: 0,
      startedBy: null,
      finishedAt: expect.any(String),
    });
    expect(failed?.failed).toBeGreaterThanOrEqual(25);
    expect(failed?.failed).toBeLessThan(33);
    expect(failed?.error).toMatch(/^stopped after \d+ failures in a row$/);
    expect((await deadLetters.page({ filter: { service: "gamma" }, limit: 1000 })).items).toHaveLength(60);
  });

  it("keeps the last jobs only, newest first", async () => {
    const jobs = createReplayJobs({ deadLetters, log, keep: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { job } = start(jobs, `none-${i}`);
      ids.push(job.jobId);
      await vi.waitFor(() => expect(jobs.busy()).toBe(false));
    }
    expect(jobs.list().map((j) => j.jobId)).toEqual([ids[3], ids[2]]);
    expect(jobs.get(ids[0] ?? "")).toBeUndefined();
  });
});
