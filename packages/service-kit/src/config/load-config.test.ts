import { describe, expect, it } from "vitest";
import { boolVar, enumVar, intVar, listVar, optionalStringVar, stringVar } from "./env-vars.js";
import { kitEnv } from "./kit-config.js";
import { ConfigError, loadConfig } from "./load-config.js";

describe("loadConfig", () => {
  const schema = {
    PORT: intVar(3000, 0, 65535),
    MODE: enumVar(["a", "b"], "a"),
    DEBUG: boolVar(false),
    HOSTS: listVar(["x"]),
    NAME: stringVar("svc"),
    SECRET: optionalStringVar(),
  };

  it("applies defaults so a bare environment works", () => {
    expect(loadConfig(schema, {})).toEqual({
      PORT: 3000,
      MODE: "a",
      DEBUG: false,
      HOSTS: ["x"],
      NAME: "svc",
      SECRET: undefined,
    });
  });

  it("converts values and freezes the result", () => {
    const config = loadConfig(schema, {
      PORT: "8080",
      MODE: "b",
      DEBUG: "true",
      HOSTS: "a, b ,c",
      SECRET: "s",
    });
    expect(config).toEqual({
      PORT: 8080,
      MODE: "b",
      DEBUG: true,
      HOSTS: ["a", "b", "c"],
      NAME: "svc",
      SECRET: "s",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig(schema, { PORT: "" }).PORT).toBe(3000);
  });

  it("names every bad variable and what it expects, never the value", () => {
    const err = (() => {
      try {
        loadConfig(schema, { PORT: "99999", MODE: "c", DEBUG: "yes", SECRET: "hunter2" });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.variables).toEqual(["PORT", "MODE", "DEBUG"]);
    expect(err.message).toContain("PORT: must be an integer between 0 and 65535");
    expect(err.message).toContain("MODE: must be one of: a, b");
    expect(err.message).toContain("DEBUG: must be true or false");
    expect(err.message).not.toContain("99999");
  });

  it("gives the kit's variables local defaults", () => {
    const config = loadConfig(kitEnv, {});
    expect(config).toMatchObject({
      NATS_URL: "nats://127.0.0.1:4222",
      NODE_ENV: "development",
      SQLITE_SYNCHRONOUS: "FULL",
      CONSUMER_MAX_DELIVER: 5,
    });
  });
});
