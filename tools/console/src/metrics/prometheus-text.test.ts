import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./prometheus-text.js";

describe("parsePrometheusText", () => {
  it("reads samples with labels, skipping HELP and TYPE lines", () => {
    const text = [
      "# HELP bazaar_outbox_pending Events committed and not yet published.",
      "# TYPE bazaar_outbox_pending gauge",
      'bazaar_outbox_pending{service="orders",instance="orders-1"} 3',
      "bazaar_process_cpu_seconds_total 0.25",
      "",
    ].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      { name: "bazaar_outbox_pending", labels: { service: "orders", instance: "orders-1" }, value: 3 },
      { name: "bazaar_process_cpu_seconds_total", labels: {}, value: 0.25 },
    ]);
  });

  it("unescapes label values and reads +Inf, NaN, exponents and a trailing timestamp", () => {
    const text = [
      'x_bucket{le="+Inf",path="a\\"b\\\\c\\nd"} 7 1700000000000',
      'x_sum{a="1"} NaN',
      "x_count 1.5e3",
      'y{a="a,b}c", b = "2"} -Inf',
    ].join("\n");
    const samples = parsePrometheusText(text);
    expect(samples[0]).toEqual({ name: "x_bucket", labels: { le: "+Inf", path: 'a"b\\c\nd' }, value: 7 });
    expect(Number.isNaN(samples[1]?.value)).toBe(true);
    expect(samples[2]?.value).toBe(1500);
    expect(samples[3]).toEqual({
      name: "y",
      labels: { a: "a,b}c", b: "2" },
      value: Number.NEGATIVE_INFINITY,
    });
  });

  it("skips lines it cannot read instead of failing the whole scrape", () => {
    const text = ['broken{a="1" 2', "no_value", "ok 1", "bad value", '{a="1"} 3', "also_ok{} 2"].join("\n");
    expect(parsePrometheusText(text)).toEqual([
      { name: "ok", labels: {}, value: 1 },
      { name: "also_ok", labels: {}, value: 2 },
    ]);
  });

  it("accepts Windows line endings", () => {
    expect(parsePrometheusText("a 1\r\nb 2\r\n").map((s) => s.value)).toEqual([1, 2]);
  });
});
