import { findRepoRoot } from "@bazaar/nats-tools";
import { describe, expect, it } from "vitest";
import { serviceSecrets } from "./dev-secrets.js";

const root = findRepoRoot();

describe("serviceSecrets", () => {
  it("gives users what its manifests read from Secrets, from the dev overlay", () => {
    const env = serviceSecrets(root, "users");
    expect(env).toMatchObject({
      ADMIN_PASSWORD: expect.stringMatching(/.{10,}/),
      CUSTOMER_PASSWORD: expect.stringMatching(/.{10,}/),
    });
    expect(JSON.parse(env.JWT_PRIVATE_JWK ?? "{}")).toMatchObject({ kty: "OKP", crv: "Ed25519" });
  });

  it("gives a service without secrets of its own nothing but its broker credentials", () => {
    expect(Object.keys(serviceSecrets(root, "inventory")).filter((k) => !k.startsWith("NATS_"))).toEqual([]);
  });
});
