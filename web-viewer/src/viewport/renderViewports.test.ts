import { describe, expect, it } from "vitest";
import { imageSize, parseOrientation, planeAxes } from "./renderViewports";

describe("render viewports", () => {
  it("asks for the element's device pixels, capped at 1024", () => {
    expect(imageSize(400, 300, 2)).toEqual({ width: 800, height: 600 });
    expect(imageSize(1000, 500, 2)).toEqual({ width: 1024, height: 512 });
    expect(imageSize(4, 4, 1)).toEqual({ width: 16, height: 16 });
  });

  it("reads X-Orientation", () => {
    expect(parseOrientation("top=H;right=L;bottom=F;left=R")).toEqual({ top: "H", right: "L", bottom: "F", left: "R" });
    expect(parseOrientation(null)).toEqual({});
  });

  it("links the planes: a click on one moves the others' offsets", () => {
    let p = { x: 0, y: 0, z: 0 };
    p = planeAxes.axial.set(p, 10, 20); // 10 mm to the patient's left, 20 mm posterior
    expect(planeAxes.sagittal.offset(p)).toBe(-10); // the sagittal camera looks toward the patient's right
    expect(planeAxes.coronal.offset(p)).toBe(20);
    p = planeAxes.coronal.set(p, 0, -30); // 30 mm up the image = toward the head
    expect(planeAxes.axial.offset(p)).toBe(30);
    expect(planeAxes.sagittal.down(p)).toBe(-30);
  });
});
