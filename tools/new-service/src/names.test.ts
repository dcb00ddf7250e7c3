import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveNames, NameError, singular, validateName } from "./names.js";

// A fixture repo with the files validation reads: one service (shipping) and its contracts and stream.
let root = "";
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "bazaar-new-service-"));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("services/shipping/package.json", "{}");
  write("packages/contracts/src/shipping/index.ts", "");
  write(
    "packages/topology/src/topology.ts",
    'export const topology = { services: [{ name: "shipping", port: 3104 }, { name: "ghost", port: 3109 }] };\n',
  );
  write(
    "packages/contracts/src/index.ts",
    'export { page } from "./common.js";\nexport * as orderViews from "./order-views/index.js";\n',
  );
  write(
    "packages/contracts/src/streams.ts",
    'export const S = defineStream({ name: "SHIPPING", subjects: ["evt.shipment.>"] });\nexport const O = defineStream({ name: "ORDERS", subjects: ["evt.order.>"] });\n',
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const refusal = (name: string, entity?: string): string => {
  try {
    validateName(root, name, entity);
  } catch (err) {
    expect(err).toBeInstanceOf(NameError);
    return (err as Error).message;
  }
  throw new Error(`${name} was accepted`);
};

describe("validateName", () => {
  it("accepts lower-case names with digits and dashes, 2 to 31 characters", () => {
    for (const name of ["reviews", "gift-cards", "ab", "search2-items", "a".repeat(31)])
      expect(validateName(root, name, name.match(/\d/) ? "item" : undefined).name).toBe(name);
  });

  it("refuses bad spellings and lengths, saying what a name is", () => {
    for (const name of [
      "",
      "a",
      "Reviews",
      "gift_cards",
      "-reviews",
      "reviews-",
      "gift--cards",
      "2fa",
      "a".repeat(32),
      "re views",
      "rév",
    ])
      expect(refusal(name)).toMatch(/is not a service name: use 2-31 lower-case letters/);
  });

  it("refuses an existing service, a registry entry, a contracts namespace, and reserved names", () => {
    expect(refusal("shipping")).toBe("services/shipping exists: shipping is already a service");
    expect(refusal("ghost")).toMatch(/ghost is already in the registry/);
    expect(refusal("order-views")).toMatch(/@bazaar\/contracts already exports orderViews/);
    expect(refusal("page")).toMatch(/already exports page/);
    expect(refusal("operator")).toBe('"operator" is reserved: choose another name');
  });

  it("refuses a stream that exists or an event prefix another stream holds", () => {
    expect(refusal("orders")).toMatch(/a stream named ORDERS exists/);
    expect(refusal("shipments")).toMatch(/events of type shipment\.\* belong to another service's stream/);
    expect(validateName(root, "shipments", "parcel").entity.snake).toBe("parcel");
  });

  it("needs an entity without digits, derived or given", () => {
    expect(refusal("s3-files")).toMatch(/pass one with --entity/);
    expect(validateName(root, "s3-files", "file").entity.kebab).toBe("file");
    expect(refusal("x9")).toMatch(/pass one with --entity/);
    expect(refusal("reviews", "Review")).toMatch(/is not an entity name/);
    expect(refusal("reviews", "review2")).toMatch(/is not an entity name/);
  });
});

describe("deriveNames", () => {
  it("spells a name and its entity for every place they go", () => {
    expect(deriveNames("gift-cards")).toEqual({
      name: "gift-cards",
      camel: "giftCards",
      pascal: "GiftCards",
      upper: "GIFT_CARDS",
      snake: "gift_cards",
      portVariable: "GIFT_CARDS_PORT",
      entity: {
        kebab: "gift-card",
        camel: "giftCard",
        pascal: "GiftCard",
        snake: "gift_card",
        words: "gift card",
      },
    });
  });

  it("makes a plain English singular", () => {
    expect(
      ["reviews", "categories", "addresses", "boxes", "status", "items", "search", "days"].map(singular),
    ).toEqual(["review", "category", "address", "box", "status", "item", "search", "day"]);
  });
});

describe("the CLI", () => {
  // Each refusal happens before the CLI reads or writes a file of the repo.
  const cli = (...args: string[]) =>
    promisify(execFile)(join(import.meta.dirname, "..", "node_modules", ".bin", "tsx"), [
      join(import.meta.dirname, "cli.ts"),
      ...args,
    ]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );

  it("exits 2 with the rule and the usage on a bad name, no name or a bad option", async () => {
    const bad = await cli("Bad_Name");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"Bad_Name" is not a service name/);
    const none = await cli();
    expect(none).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/name the service[\s\S]*usage: pnpm new:service/),
    });
    expect((await cli("reviews", "--colour")).code).toBe(2);
    expect((await cli("reviews", "--port", "eighty")).code).toBe(2);
  });
});
