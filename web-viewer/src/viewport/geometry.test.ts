import { describe, expect, it } from "vitest";
import { edgeLabels, orientationLabel, sortSlices } from "./geometry";

const axial = [1, 0, 0, 0, 1, 0];

describe("sortSlices", () => {
  it("orders by position along the normal, head first, whatever the instance numbers say", () => {
    const slices = [
      { id: "a", instanceNumber: 1, position: [0, 0, -10], orientation: axial },
      { id: "b", instanceNumber: 2, position: [0, 0, 20], orientation: axial },
      { id: "c", instanceNumber: 3, position: [0, 0, 5], orientation: axial },
    ];
    expect(sortSlices(slices).map((s) => s.id)).toEqual(["b", "c", "a"]);
  });

  it("projects on the normal of an oblique (tilted) stack", () => {
    const s = Math.SQRT1_2;
    const tilted = [1, 0, 0, 0, s, -s]; // normal (0, s, s)
    const slices = [
      { id: "low", position: [0, 0, 0], orientation: tilted },
      { id: "high", position: [0, 10, 10], orientation: tilted },
      { id: "mid", position: [0, 10, 0], orientation: tilted },
    ];
    expect(sortSlices(slices).map((x) => x.id)).toEqual(["high", "mid", "low"]);
  });

  it("falls back to Instance Number when a position is missing", () => {
    const slices = [
      { id: "b", instanceNumber: 2, position: [0, 0, 1], orientation: axial },
      { id: "a", instanceNumber: 1, orientation: axial },
    ];
    expect(sortSlices(slices).map((s) => s.id)).toEqual(["a", "b"]);
  });
});

describe("orientation labels", () => {
  it("labels the axes of LPS", () => {
    expect(orientationLabel([1, 0, 0])).toBe("L");
    expect(orientationLabel([-1, 0, 0])).toBe("R");
    expect(orientationLabel([0, 1, 0])).toBe("P");
    expect(orientationLabel([0, -1, 0])).toBe("A");
    expect(orientationLabel([0, 0, 1])).toBe("H");
    expect(orientationLabel([0, 0, -1])).toBe("F");
  });

  it("gives two letters for an oblique direction, one for a slight tilt", () => {
    expect(orientationLabel([0.8, -0.6, 0])).toBe("LA");
    expect(orientationLabel([0.99, 0.1, 0])).toBe("L");
  });

  it("puts the axial convention at the edges: A top, L right", () => {
    expect(edgeLabels(axial)).toEqual({ top: "A", right: "L", bottom: "P", left: "R" });
    expect(edgeLabels([0, 1, 0, 0, 0, -1])).toEqual({ top: "H", right: "P", bottom: "F", left: "A" });
    expect(edgeLabels(undefined)).toBeUndefined();
  });
});
