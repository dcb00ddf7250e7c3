import { describe, expect, it } from "vitest";

// The page's own module (plain JavaScript, served as is): tested here, where the TypeScript tests run.
const { sparkline } = (await import(new URL("../public/lib/sparkline.js", import.meta.url).href)) as {
  sparkline: (
    points: Array<[number, number]>,
    options: { from: number; to: number; gapMs: number; width?: number; height?: number },
  ) => string;
};

const lines = (svg: string) => [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]?.split(" "));

describe("sparkline", () => {
  it("scales time to the width and values to the height, the largest at the top", () => {
    const svg = sparkline(
      [
        [0, 0],
        [50, 10],
        [100, 5],
      ],
      { from: 0, to: 100, gapMs: 60, width: 100, height: 24 },
    );
    expect(lines(svg)).toEqual([["0.0,22.0", "50.0,2.0", "100.0,12.0"]]);
    expect(svg).toContain('data-points="3"');
  });

  it("leaves a gap where scrapes are missing, and draws a lone point as a dot", () => {
    const svg = sparkline(
      [
        [0, 1],
        [10, 1],
        [50, 1],
      ],
      { from: 0, to: 100, gapMs: 15, width: 100, height: 24 },
    );
    expect(lines(svg)).toEqual([["0.0,2.0", "10.0,2.0"]]);
    expect(svg).toMatch(/<circle cx="50.0" cy="2.0"/);
  });

  it("draws a flat line at the bottom when everything is zero, and skips values that are not numbers", () => {
    const svg = sparkline(
      [
        [0, 0],
        [10, Number.NaN],
        [20, 0],
      ],
      { from: 0, to: 20, gapMs: 30, width: 20, height: 10 },
    );
    expect(lines(svg)).toEqual([["0.0,8.0", "20.0,8.0"]]);
  });
});
