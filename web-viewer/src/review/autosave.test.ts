import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosave, type SaveState } from "./autosave";

describe("Autosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(save: (v: string) => Promise<unknown>) {
    const states: SaveState["kind"][] = [];
    const autosave = new Autosave<string>(save, (s) => states.push(s.kind), 800);
    return { autosave, states };
  }

  it("saves once, 800 ms after the last change", async () => {
    const saved: string[] = [];
    const { autosave, states } = setup(async (v) => void saved.push(v));
    autosave.change("a");
    await vi.advanceTimersByTimeAsync(500);
    autosave.change("ab");
    await vi.advanceTimersByTimeAsync(799);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(["ab"]);
    expect(states.at(-1)).toBe("saved");
    expect(autosave.busy).toBe(false);
  });

  it("never saves in parallel: a change during a save is saved after it", async () => {
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const { autosave, states } = setup(async (v) => {
      calls.push(v);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2000));
      inFlight--;
    });
    autosave.change("1");
    await vi.advanceTimersByTimeAsync(900); // first save starts
    autosave.change("2");
    await vi.advanceTimersByTimeAsync(900); // its timer fires while the first is on its way
    expect(calls).toEqual(["1"]);
    expect(states.at(-1)).toBe("saving");
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(["1", "2"]);
    expect(maxInFlight).toBe(1);
    expect(states.at(-1)).toBe("saved");
  });

  it("flushes at once, and reports a failed save", async () => {
    const { autosave, states } = setup(() => Promise.reject(new Error("403 Forbidden")));
    autosave.change("x");
    await autosave.flush();
    expect(states).toEqual(["saving", "error"]);
    expect(autosave.busy).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(states).toEqual(["saving", "error"]); // the debounce was cancelled by the flush
  });
});
