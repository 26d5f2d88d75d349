import { describe, expect, it } from "vitest";
import { StudyProgress } from "./activity";

describe("StudyProgress", () => {
  it("sums the series and says whether instances are still arriving", () => {
    const p = new StudyProgress();
    p.apply("received", { study: "s", series: "a", received: 40 });
    p.apply("received", { study: "s", series: "b", received: 10 });
    p.apply("indexed", { study: "s", series: "a", instances: 30 });
    expect(p.describe()).toBe("received 50 · indexed 30");
    expect(p.arriving).toBe(true);
    p.apply("received", { study: "s", series: "a", received: 30 }); // an older count never lowers it
    p.apply("stable", { study: "s", series: "a", instances: 40 });
    p.apply("indexed", { study: "s", series: "b", instances: 10 });
    expect(p.describe()).toBe("received 50 · indexed 50");
    expect(p.arriving).toBe(false);
  });

  it("counts a series indexed before connecting as done", () => {
    const p = new StudyProgress();
    p.seedIndexed("a", 120);
    p.apply("received", { study: "s", series: "a", received: 120 });
    expect(p.arriving).toBe(false);
  });

  it("keeps the larger indexed count when batches are announced out of order", () => {
    const p = new StudyProgress();
    p.apply("received", { study: "s", series: "a", received: 2 });
    p.apply("indexed", { study: "s", series: "a", instances: 2 });
    p.apply("indexed", { study: "s", series: "a", instances: 1 });
    expect(p.describe()).toBe("received 2 · indexed 2");
    expect(p.arriving).toBe(false);
  });

  it("takes a replayed stable series as complete", () => {
    const p = new StudyProgress();
    p.apply("received", { study: "s", series: "a", received: 120 });
    p.apply("stable", { study: "s", series: "a", instances: 120 });
    expect(p.arriving).toBe(false);
  });
});
