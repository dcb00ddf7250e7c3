import { randomUUID } from "node:crypto";
import { notifications, orders, users } from "@bazaar/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./test-support/http.js";
import { ADMIN, CUSTOMER, startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let admin: string;
let adminId: string;
let customer: string;

beforeAll(async () => {
  sys = await startSystem({ services: ["users", "notifications", "orders"] });
  const [a, c] = await Promise.all([sys.login(ADMIN), sys.login(CUSTOMER)]);
  admin = a.token;
  adminId = a.userId;
  customer = c.token;
});

afterAll(async () => {
  await sys?.dispose();
});

interface Letter {
  id: number;
  service: string;
  consumer: string;
  error: string;
  eventId?: string;
  eventType?: string;
  payload: unknown;
  groupKey: string;
}
interface Page {
  items: Letter[];
  nextCursor: string | null;
}
interface Group {
  key: string;
  count: number;
  errorPattern: string;
  sampleError: string;
  eventTypes: string[];
}
interface Job {
  jobId: string;
  status: string;
  kind: string;
  matched: number;
  replayed: number;
  discarded: number;
  failed: number;
  skipped: number;
  startedBy: string | null;
  filter: Record<string, unknown>;
}

const get = <T>(path: string) => sys.api.get<T>(path, { token: admin });

/** A user.registered envelope (notifications consumes it and dead-letters what it cannot read). */
function registered(data: Record<string, unknown>) {
  return {
    id: randomUUID(),
    type: users.userRegistered.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "users",
    data,
  };
}

const brokenEnvelopes = Array.from({ length: 2 }, (_, i) =>
  registered({ userId: `dl-user-${i}`, email: 1000 + i, name: "Broken", role: "customer" }),
);

beforeAll(async () => {
  // Three unreadable messages and two envelopes whose data breaks the contract: notifications dead-letters
  // each at once, the first kind with one error, the second with another.
  for (let i = 0; i < 3; i++) await sys.client.js.publish(users.userRegistered.subject, `{not json ${i}`);
  for (const envelope of brokenEnvelopes)
    await sys.client.js.publish(users.userRegistered.subject, JSON.stringify(envelope));
  await eventually(async () => {
    const res = await get<Page>("/api/admin/dead-letters?service=notifications");
    expect(res.body.items).toHaveLength(5);
  });
});

describe("finding dead letters", () => {
  it("pages by cursor, newest first, and filters by event type, error text and time", async () => {
    const seen: Letter[] = [];
    let path = "/api/admin/dead-letters?service=notifications&limit=2";
    for (let pages = 0; pages < 5; pages++) {
      const res = await get<Page>(path);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items);
      if (res.body.nextCursor === null) break;
      path = `/api/admin/dead-letters?service=notifications&limit=2&cursor=${res.body.nextCursor}`;
    }
    expect(seen).toHaveLength(5);
    expect(seen.map((d) => d.id)).toEqual([...seen.map((d) => d.id)].sort((a, b) => b - a));
    expect(seen[0]?.payload).toEqual(brokenEnvelopes[1]);

    const typed = await get<Page>("/api/admin/dead-letters?eventType=user.registered");
    expect(typed.body.items.map((d) => d.eventId)).toEqual([brokenEnvelopes[1]?.id, brokenEnvelopes[0]?.id]);
    const errorText = typed.body.items[0]?.error ?? "";
    expect(errorText.length).toBeGreaterThan(0);
    const byError = await get<Page>(
      `/api/admin/dead-letters?error=${encodeURIComponent(errorText.slice(0, 12).toUpperCase())}`,
    );
    expect(byError.body.items.map((d) => d.error)).toContain(errorText);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await get<Page>(`/api/admin/dead-letters?from=${future}`)).body.items).toEqual([]);
    expect(
      (await get<Page>(`/api/admin/dead-letters?to=${future}&service=notifications`)).body.items,
    ).toHaveLength(5);
  });

  it("refuses a bad filter with 400 and a problem that does not echo the value", async () => {
    for (const query of [
      "from=yesterday-s3cret",
      "cursor=s3cret",
      "cursor=0",
      "limit=0",
      "service=S3CRET!",
      "groupKey=s3cret",
      `from=${new Date().toISOString()}&to=2000-01-01T00:00:00.000Z`,
      "error=",
    ]) {
      const res = await get(`/api/admin/dead-letters?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.text).not.toContain("s3cret");
      expect(res.text).not.toContain("S3CRET");
    }
    expect((await get("/api/admin/dead-letters/groups?to=nope")).status).toBe(400);
    expect((await sys.api.get("/api/admin/dead-letters/groups", { token: customer })).status).toBe(403);
  });

  it("groups them by consumer and normalized error, and a group's key filters the list", async () => {
    const res = await get<{ groups: Group[]; total: number }>(
      "/api/admin/dead-letters/groups?service=notifications",
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.groups.map((g) => g.count)).toEqual([3, 2]);
    const [unreadable, invalid] = res.body.groups;
    expect(invalid?.eventTypes).toEqual(["user.registered"]);
    expect(unreadable?.eventTypes).toEqual([]);
    const members = await get<Page>(`/api/admin/dead-letters?groupKey=${invalid?.key}`);
    expect(members.body.items.map((d) => d.eventId).sort()).toEqual(brokenEnvelopes.map((e) => e.id).sort());
    expect(members.body.items.every((d) => d.groupKey === invalid?.key)).toBe(true);

    const one = members.body.items[0];
    const single = await get<Letter>(`/api/admin/dead-letters/${one?.id}`);
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({ id: one?.id, groupKey: invalid?.key });
    expect((await get("/api/admin/dead-letters/999999")).status).toBe(404);
  });
});

describe("edit and replay", () => {
  it("refuses data that breaks the contract, naming fields only; replays fixed data under the same event id", async () => {
    const typed = await get<Page>("/api/admin/dead-letters?eventType=user.registered");
    const letter = typed.body.items.find((d) => d.eventId === brokenEnvelopes[0]?.id);
    if (!letter) throw new Error("expected the broken envelope's dead letter");
    const path = `/api/admin/dead-letters/${letter.id}/edit-replay`;
    const original = brokenEnvelopes[0]?.data ?? {};

    const bad = await sys.api.post(
      path,
      { data: { ...original, email: 12345, role: "s3cret-role" } },
      { token: admin },
    );
    expect(bad.status, bad.text).toBe(400);
    expect(bad.text).not.toContain("s3cret");
    expect((bad.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort()).toEqual([
      "data.email",
      "data.role",
    ]);
    expect((await sys.api.post(path, { data: "text" }, { token: admin })).status).toBe(400);
    expect((await sys.api.post(path, {}, { token: admin })).status).toBe(400);
    expect((await sys.api.post(path, { data: {} }, { token: customer })).status).toBe(403);

    const fixed = { ...original, email: "fixed@bazaar.test" };
    const res = await sys.api.post(path, { data: fixed }, { token: admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: letter.id,
      eventId: letter.eventId,
      subject: users.userRegistered.subject,
      editedBy: adminId,
    });
    expect((await get(`/api/admin/dead-letters/${letter.id}`)).status).toBe(404);
    // notifications applied the corrected event: the user has their welcome notification.
    await eventually(async () => {
      const page = await sys.client.client.call(notifications.listNotifications, { userId: "dl-user-0" });
      expect(page.items.length).toBeGreaterThan(0);
    });
    expect((await sys.api.post(path, { data: fixed }, { token: admin })).status).toBe(404);
  });

  it("cannot edit what is not an event's envelope (422)", async () => {
    const groups = await get<{ groups: Group[] }>("/api/admin/dead-letters/groups?service=notifications");
    const unreadable = groups.body.groups.find((g) => g.eventTypes.length === 0);
    const page = await get<Page>(`/api/admin/dead-letters?groupKey=${unreadable?.key}&limit=1`);
    const res = await sys.api.post(
      `/api/admin/dead-letters/${page.body.items[0]?.id}/edit-replay`,
      { data: { userId: "x" } },
      { token: admin },
    );
    expect(res.status, res.text).toBe(422);
    expect(res.body).toMatchObject({ code: "UNPROCESSABLE", reason: "NOT_AN_EVENT" });
  });
});

describe("bulk replay and discard jobs", () => {
  const waitForEnd = (jobId: string) =>
    eventually(async () => {
      const res = await get<Job>(`/api/admin/dead-letters/replays/${jobId}`);
      expect(res.status).toBe(200);
      expect(res.body.status).not.toBe("running");
      return res.body;
    });

  it("replays a group server side, reporting progress; the same Idempotency-Key returns the same job", async () => {
    const groups = await get<{ groups: Group[] }>("/api/admin/dead-letters/groups?service=notifications");
    const unreadable = groups.body.groups.find((g) => g.eventTypes.length === 0);
    const key = randomUUID();
    const started = await sys.api.post<Job>(
      "/api/admin/dead-letters/replays",
      { groupKey: unreadable?.key },
      { token: admin, idempotencyKey: key },
    );
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({
      kind: "replay",
      startedBy: adminId,
      filter: { groupKey: unreadable?.key },
    });
    const again = await sys.api.post<Job>(
      "/api/admin/dead-letters/replays",
      { groupKey: unreadable?.key },
      { token: admin, idempotencyKey: key },
    );
    expect(again.status).toBe(202);
    expect(again.body.jobId).toBe(started.body.jobId);
    const done = await waitForEnd(started.body.jobId);
    expect(done).toMatchObject({ status: "completed", matched: 3, replayed: 3, failed: 0, skipped: 0 });
    const listed = await get<{ items: Job[] }>("/api/admin/dead-letters/replays");
    expect(listed.body.items[0]?.jobId).toBe(started.body.jobId);
    // Still unreadable: notifications dead-letters them again, as new dead letters of the same group.
    await eventually(async () => {
      const members = await get<Page>(`/api/admin/dead-letters?groupKey=${unreadable?.key}`);
      expect(members.body.items).toHaveLength(3);
    });
  });

  it("discards by filter with a reason; refuses bad commands with 400 and unknown jobs with 404", async () => {
    const post = (path: string, body: unknown) => sys.api.post<Job>(path, body, { token: admin });
    expect(
      (await post("/api/admin/dead-letters/discards", { filter: { service: "notifications" } })).status,
    ).toBe(400);
    expect((await post("/api/admin/dead-letters/replays", { filter: { from: "s3cret" } })).status).toBe(400);
    expect((await post("/api/admin/dead-letters/replays", { filter: [] })).status).toBe(400);
    expect(
      (
        await post("/api/admin/dead-letters/replays", {
          groupKey: "0123456789abcdef",
          filter: { groupKey: "fedcba9876543210" },
        })
      ).status,
    ).toBe(400);
    expect((await sys.api.post("/api/admin/dead-letters/replays", {}, { token: customer })).status).toBe(403);
    expect((await get(`/api/admin/dead-letters/replays/${randomUUID()}`)).status).toBe(404);
    expect((await get("/api/admin/dead-letters/replays/not-a-job")).status).toBe(400);

    const started = await post("/api/admin/dead-letters/discards", {
      filter: { service: "notifications" },
      reason: "test publisher garbage",
    });
    expect(started.status, started.text).toBe(202);
    const done = await waitForEnd(started.body.jobId);
    expect(done).toMatchObject({
      status: "completed",
      kind: "discard",
      matched: 4,
      discarded: 4,
      replayed: 0,
    });
    expect((await get<Page>("/api/admin/dead-letters?service=notifications")).body.items).toEqual([]);
  });
});

describe("saga filters", () => {
  it("searches sagas by order id and age, and refuses an age that is not a timestamp", async () => {
    const none = await get<{ items: unknown[] }>(
      `/api/admin/sagas?orderId=no-such-order&olderThan=${new Date().toISOString()}&newerThan=2020-01-01T00:00:00Z`,
    );
    expect(none.status, none.text).toBe(200);
    expect(none.body.items).toEqual([]);
    const bad = await get("/api/admin/sagas?olderThan=s3cret");
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain("s3cret");
    expect(orders.listSagas.request).toBeDefined();
  });
});
