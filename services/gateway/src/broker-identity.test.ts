// The forged-admin attack end to end: a rogue service joins the users service's queue group on
// `rpc.users.jwks`, answers part of the gateway's key fetches with its own public key, and signs
// `role: admin` tokens with it. On a broker that enforces the permissions derived from the declarations it
// cannot even listen there, and the gateway accepts none of its tokens; on an open broker it succeeds.
import { connectNats, createLogger, inboxPrefix, type NatsLink } from "@bazaar/service-kit/platform";
import { startTestService, type TestService } from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { exportJWK } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { service as gatewayDefinition } from "./service.js";
import { http } from "./test-support/http.js";
import { serviceDefinition } from "./test-support/service-definitions.js";
import { AUDIENCE, createSigningKey, ISSUER, signToken } from "./test-support/signing-key.js";
import { AS_SEPARATE_PROCESSES } from "./test-support/system.js";

interface Round {
  /** Forged admin tokens the gateway accepted, of `attempts`. */
  readonly accepted: number;
  /** Key fetches that reached the rogue. */
  readonly rogueAnswered: number;
  /** How the rogue's subscription ended ("open" if it was never refused). */
  readonly rogueSubscription: string;
  /** A genuine admin token's status, for comparison. */
  readonly genuine: number;
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup.length = 0;
});

/**
 * The rogue connects as the kit connects notifications (a compromised pod holding notifications'
 * credentials), or, on an open broker, as anyone.
 */
async function rogueConnection(nats: TestNats): Promise<NatsLink["nc"]> {
  const stolen = nats.credentialsFor("notifications");
  const link = await connectNats({
    servers: nats.url,
    name: "notifications:rogue",
    log: createLogger({ service: "rogue", instance: "rogue", level: "silent" }),
    user: stolen?.user,
    password: stolen?.password,
    inboxPrefix: inboxPrefix("notifications"),
  });
  return link.nc;
}

async function forgeryRound(options: {
  permissions: boolean;
  attempts: number;
  /** Give the gateway the users service's public key as `JWT_PUBLIC_JWKS`. */
  configuredKeys?: boolean;
}): Promise<Round> {
  const nats = await startTestNats({ permissions: options.permissions });
  cleanup.push(() => nats.dispose());
  const genuineKey = await createSigningKey("genuine-key");
  const usersSvc: TestService = await startTestService(await serviceDefinition("users"), {
    natsUrl: nats.url,
    env: { ...AS_SEPARATE_PROCESSES, SEED: "true", JWT_PRIVATE_JWK: genuineKey.privateJwkJson },
  });
  cleanup.push(() => usersSvc.stop());
  await usersSvc.runtime.nats.nc.flush();
  const { d: _genuinePrivate, ...genuinePublic } = JSON.parse(genuineKey.privateJwkJson) as Record<
    string,
    string
  >;
  // Every forged token names a new key, so each one makes the gateway fetch the set again.
  const gateway = await startTestService(gatewayDefinition, {
    natsUrl: nats.url,
    env: {
      ...AS_SEPARATE_PROCESSES,
      JWKS_REFRESH_MIN_INTERVAL_MS: "0",
      RATE_LIMIT_USER: "100000",
      RATE_LIMIT_ANONYMOUS: "100000",
      ...(options.configuredKeys
        ? { JWT_PUBLIC_JWKS: JSON.stringify({ keys: [{ ...genuinePublic, use: "sig" }] }) }
        : {}),
    },
  });
  cleanup.push(() => gateway.stop());

  const rogueKey = await createSigningKey("rogue-key");
  const roguePublic = await exportJWK(rogueKey.privateKey);
  const rogue = await rogueConnection(nats);
  cleanup.push(() => rogue.close());
  let rogueAnswered = 0;
  const sub = rogue.subscribe("rpc.users.jwks", {
    queue: "q",
    callback: (err, msg) => {
      if (err) return;
      rogueAnswered++;
      const { d: _private, ...pub } = roguePublic;
      msg.respond(
        JSON.stringify({
          keys: [{ ...pub, kid: "rogue-key", alg: "EdDSA", use: "sig" }],
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
      );
    },
  });
  await rogue.flush();
  const rogueSubscription = await Promise.race([
    sub.closed.then((err) => (err ? String(err) : "closed")),
    new Promise<string>((resolve) => setTimeout(() => resolve("open"), 500)),
  ]);

  const api = http(gateway.url);
  let accepted = 0;
  for (let i = 0; i < options.attempts; i++) {
    const forged = await signToken(rogueKey, { sub: "u-rogue", role: "admin", kid: "rogue-key" });
    const res = await api.get("/api/admin/streams", { token: forged });
    if (res.status === 200) accepted++;
    else expect(res.status).toBe(401);
  }
  const genuine = await signToken(genuineKey, { sub: "u-admin", role: "admin" });
  return {
    accepted,
    rogueAnswered,
    rogueSubscription,
    genuine: (await api.get("/api/admin/streams", { token: genuine })).status,
  };
}

describe("the users service's signing keys, on a broker with per-service permissions", () => {
  it("cannot be forged by another service: it may not answer users.jwks, and no forged token passes", async () => {
    const round = await forgeryRound({ permissions: true, attempts: 30 });
    expect(round.rogueSubscription).toMatch(
      /Permissions Violation for Subscription to "rpc.users.jwks" using queue "q"/,
    );
    expect(round.rogueAnswered).toBe(0);
    expect(round.accepted).toBe(0);
    expect(round.genuine).toBe(200);
  });

  it("are never forged with a configured JWK set, even on an open broker: nothing is fetched", async () => {
    const round = await forgeryRound({ permissions: false, attempts: 30, configuredKeys: true });
    expect(round.rogueSubscription).toBe("open");
    expect(round.rogueAnswered).toBe(0);
    expect(round.accepted).toBe(0);
    expect(round.genuine).toBe(200);
  });

  it("are forged easily on an open broker (the attack the permissions stop)", async () => {
    const round = await forgeryRound({ permissions: false, attempts: 30 });
    expect(round.rogueSubscription).toBe("open");
    expect(round.rogueAnswered).toBeGreaterThan(0);
    expect(round.accepted).toBeGreaterThan(0);
  });
});
