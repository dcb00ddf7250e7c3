import { describe, expect, it } from "vitest";
import { parseOptions, SCENARIOS } from "./options.js";

describe("parseOptions", () => {
  it("runs every scenario, three rounds, by default", () => {
    const o = parseOptions([]);
    expect(o.only).toEqual(SCENARIOS);
    expect(o.rounds).toBe(3);
    expect(o.quick).toBe(false);
  });

  it("takes --only (in the harness's order) and --quick", () => {
    const o = parseOptions(["--only", "rpc,gateway-read", "--quick"]);
    expect(o.only).toEqual(["gateway-read", "rpc"]);
    expect(o.rounds).toBe(1);
    expect(o.seconds).toBe(3);
  });

  it("names an unknown scenario or flag", () => {
    expect(() => parseOptions(["--only", "gateway"])).toThrow(/unknown scenario gateway/);
    expect(() => parseOptions(["--fast"])).toThrow(/unknown flag --fast/);
  });
});
