import { describe, expect, it } from "vitest";
import { fetchOrder, nextToFetch } from "./prefetch";

describe("fetchOrder", () => {
  it("goes outward from the start, ahead before behind", () => {
    expect(fetchOrder(3, 7)).toEqual([3, 4, 2, 5, 1, 6, 0]);
  });
  it("covers every slice once from either end", () => {
    expect(fetchOrder(0, 4)).toEqual([0, 1, 2, 3]);
    expect(fetchOrder(3, 4)).toEqual([3, 2, 1, 0]);
    expect(fetchOrder(0, 0)).toEqual([]);
  });
});

describe("nextToFetch", () => {
  it("skips what is loaded or in flight and follows the current slice", () => {
    const done = new Set([5, 6, 4]);
    expect(nextToFetch(5, 10, (i) => !done.has(i))).toBe(7);
    expect(nextToFetch(9, 10, (i) => !done.has(i))).toBe(9);
    expect(nextToFetch(0, 3, () => false)).toBe(-1);
  });
});
