import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PacsClient, Retrieval, RetrievalSeries } from "./client";
import { describeRetrieval, newer, retrievalStatus, RetrievalWatch } from "./retrieval";

const series = (over: Partial<RetrievalSeries>): RetrievalSeries => ({
  seriesInstanceUid: "1.2",
  modality: "CT",
  seriesNumber: "1",
  description: "",
  expected: 0,
  completed: 0,
  failed: 0,
  warning: 0,
  state: "queued",
  ...over,
});

const retrieval = (over: Partial<Retrieval>): Retrieval => ({
  id: "r1",
  node: "PACS",
  studyInstanceUid: "1.2.3",
  method: "C-MOVE",
  state: "running",
  series: [],
  failedInstances: [],
  error: null,
  attempts: 1,
  createdAt: "2026-11-23T08:00:00Z",
  updatedAt: "2026-11-23T08:00:01Z",
  ...over,
});

describe("retrieval texts", () => {
  const two = [series({ expected: 80, completed: 80, state: "completed" }), series({ seriesInstanceUid: "1.3", expected: 40, completed: 0, state: "running" })];

  it("describes progress by series and instances", () => {
    expect(describeRetrieval(retrieval({ series: two }))).toBe("Retrieving from PACS PACS: 1 of 2 series, 80 of 120 instances");
    expect(describeRetrieval(retrieval({ state: "queued" }))).toBe("Retrieving from PACS PACS: asking for its series");
    expect(retrievalStatus(retrieval({ series: two }))).toBe("retrieving 80 of 120");
  });

  it("says how it ended", () => {
    const done = [two[0]!, { ...two[1]!, completed: 38, warning: 1, failed: 1, state: "partial" as const }];
    expect(retrievalStatus(retrieval({ state: "completed", series: done }))).toBe("retrieved");
    expect(retrievalStatus(retrieval({ state: "partial", series: done }))).toBe("retrieved 119 of 120, 1 failed");
    expect(describeRetrieval(retrieval({ state: "partial", series: done }))).toBe("Retrieved from PACS PACS: 2 of 2 series, 119 of 120 instances; 1 failed");
    expect(retrievalStatus(retrieval({ state: "failed", error: "The peer aborted" }))).toBe("failed: The peer aborted");
  });

  it("keeps the newer snapshot, and a final state over a late unfinished one", () => {
    const early = retrieval({ series: [series({ expected: 10, completed: 2 })] });
    const later = retrieval({ updatedAt: "2026-11-23T08:00:02Z", series: [series({ expected: 10, completed: 5 })] });
    const done = retrieval({ state: "completed", updatedAt: "2026-11-23T08:00:01.5Z" });
    expect(newer(early, later)).toBe(later);
    expect(newer(later, early)).toBe(later);
    expect(newer(later, done)).toBe(done);
    expect(newer(done, later)).toBe(done);
    const sameTime = retrieval({ series: [series({ expected: 10, completed: 3 })] });
    expect(newer(early, sameTime)).toBe(sameTime);
    expect(newer(sameTime, early)).toBe(sameTime);
  });
});

describe("RetrievalWatch", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("polls while unfinished, takes feed events, and stops at the final state", async () => {
    const answers = [retrieval({ updatedAt: "2026-11-23T08:00:02Z" }), retrieval({ state: "completed", updatedAt: "2026-11-23T08:00:04Z" })];
    const client = { retrieval: vi.fn(async () => answers.shift()!) } as unknown as PacsClient;
    const seen: string[] = [];
    const watch = new RetrievalWatch(client, retrieval({}), (r) => seen.push(`${r.state} ${r.updatedAt.slice(17)}`), 2000);
    watch.apply(retrieval({ updatedAt: "2026-11-23T08:00:03Z" })); // from the feed, ahead of the first poll
    watch.apply(retrieval({ id: "other", state: "failed" })); // another job
    await vi.advanceTimersByTimeAsync(2000); // the poll's answer is older than the feed's event
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toEqual(["running 01Z", "running 03Z", "completed 04Z"]);
    expect(client.retrieval).toHaveBeenCalledTimes(2);
  });
});
