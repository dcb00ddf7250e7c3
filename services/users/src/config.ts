import { Email } from "@bazaar/contracts";
import { type EnvVar, enumVar, intVar, stringVar } from "@bazaar/service-kit";
import * as v from "valibot";

/** An Ed25519 private key as a JWK, with the `kid` its tokens carry. */
export const PrivateJwk = v.object({
  kty: v.literal("OKP"),
  crv: v.literal("Ed25519"),
  x: v.pipe(v.string(), v.nonEmpty()),
  d: v.pipe(v.string(), v.nonEmpty()),
  kid: v.pipe(v.string(), v.nonEmpty(), v.maxLength(100)),
  alg: v.optional(v.literal("EdDSA")),
});
export type PrivateJwk = v.InferOutput<typeof PrivateJwk>;

const JWK_EXPECTED = "a JSON Ed25519 private JWK with kty OKP, crv Ed25519, x, d and kid";

function parsePrivateJwk(text: string): PrivateJwk | undefined {
  try {
    const result = v.safeParse(PrivateJwk, JSON.parse(text));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}

/** `JWT_PRIVATE_JWK`: its shape is checked at load; the message never echoes the (secret) value. */
function privateJwkVar(): EnvVar<PrivateJwk | undefined> {
  return v.optional(
    v.pipe(
      v.string(),
      v.check((text) => parsePrivateJwk(text) !== undefined, `must be ${JWK_EXPECTED}`),
      v.transform((text) => parsePrivateJwk(text) as PrivateJwk),
    ),
  ) as unknown as EnvVar<PrivateJwk | undefined>;
}

/** An email variable, normalised like the register contract (trimmed, lower-case). */
function emailVar(defaultValue: string): EnvVar<string> {
  return v.optional(Email, defaultValue) as unknown as EnvVar<string>;
}

/** A password variable, held to the same rule as registration (10 to 200 characters). */
function passwordVar(defaultValue: string): EnvVar<string> {
  return stringVar(defaultValue, /^[\s\S]{10,200}$/, "10 to 200 characters");
}

/** The seeded accounts' development credentials: public, so production refuses them. */
export const DEV_PASSWORDS = {
  ADMIN_PASSWORD: "bazaar-admin-dev",
  CUSTOMER_PASSWORD: "bazaar-customer-dev",
} as const;

const DAY = 24 * 60 * 60;

/** The users service's own variables (besides the kit's). */
export const usersEnv = {
  /** Lifetime of an access token; short, since a token cannot be revoked before it expires. */
  ACCESS_TOKEN_TTL_SECONDS: intVar(900, 30, 24 * 60 * 60),
  /** Lifetime of a refresh token; each rotation issues one with a fresh lifetime (a sliding window). */
  REFRESH_TOKEN_TTL_SECONDS: intVar(7 * DAY, 60, 90 * DAY),
  /** A session's absolute end, counted from login: no refresh reaches past it, then the password is asked again. */
  SESSION_MAX_AGE_SECONDS: intVar(30 * DAY, 60, 365 * DAY),
  JWT_ISSUER: stringVar("bazaar-users"),
  JWT_AUDIENCE: stringVar("bazaar-api"),
  /** The signing key: required in production; without it a key is generated on first start and kept in SQLite. */
  JWT_PRIVATE_JWK: privateJwkVar(),
  ADMIN_EMAIL: emailVar("admin@bazaar.local"),
  ADMIN_PASSWORD: passwordVar(DEV_PASSWORDS.ADMIN_PASSWORD),
  CUSTOMER_EMAIL: emailVar("customer@bazaar.local"),
  CUSTOMER_PASSWORD: passwordVar(DEV_PASSWORDS.CUSTOMER_PASSWORD),
  /** Seed the admin and the demo customer: `auto` seeds in development only. */
  SEED: enumVar(["auto", "true", "false"], "auto"),
} as const;

type ProductionInputs = {
  readonly NODE_ENV: string;
  readonly JWT_PRIVATE_JWK: PrivateJwk | undefined;
  readonly ADMIN_PASSWORD: string;
  readonly CUSTOMER_PASSWORD: string;
};

/**
 * `productionProblems` lists what production refuses and development accepts: no configured signing key (a
 * generated key would differ per instance and live next to the data), and the published development
 * passwords, whether or not this start seeds, so they can never guard a production account. It rules on
 * several variables at once, so it is the declaration's `validateConfig`, checked before anything opens.
 */
export function productionProblems(config: ProductionInputs): string[] {
  if (config.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  if (!config.JWT_PRIVATE_JWK) problems.push(`JWT_PRIVATE_JWK: is required in production: ${JWK_EXPECTED}`);
  for (const variable of ["ADMIN_PASSWORD", "CUSTOMER_PASSWORD"] as const) {
    if (config[variable] === DEV_PASSWORDS[variable])
      problems.push(`${variable}: must be set in production: the development default is public`);
  }
  return problems;
}

/** `shouldSeed` decides like inventory: `true` always, `auto` in development only. */
export function shouldSeed(config: { readonly SEED: string; readonly NODE_ENV: string }): boolean {
  return config.SEED === "true" || (config.SEED === "auto" && config.NODE_ENV === "development");
}
