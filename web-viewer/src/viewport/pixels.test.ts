import { describe, expect, it } from "vitest";
import { applyLookupTable, decodeGreyFrame, draggedWindow, greyLookupTable, isDecodable, modalityValue, voiLinear, type PixelFormat } from "./pixels";

function format(over: Partial<PixelFormat>): PixelFormat {
  return { rows: 1, columns: 4, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, rescaleSlope: 1, rescaleIntercept: 0, inverted: false, ...over };
}

function le16(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 2 + 1); // an odd offset below, as a multipart part may have
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setUint16(1 + i * 2, v & 0xffff, true));
  return bytes.subarray(1);
}

describe("decodeGreyFrame", () => {
  it("reads signed 16-bit values from an unaligned part and finds their range", () => {
    const frame = decodeGreyFrame(le16([-1024, 0, 40, 3071]), format({ pixelRepresentation: 1 }));
    expect(Array.from(frame.stored)).toEqual([-1024, 0, 40, 3071]);
    expect([frame.min, frame.max]).toEqual([-1024, 3071]);
  });

  it("masks unsigned values to Bits Stored and sign-extends signed ones", () => {
    expect(Array.from(decodeGreyFrame(le16([0xf123, 0x0fff, 0, 1]), format({ bitsStored: 12 })).stored)).toEqual([0x123, 0xfff, 0, 1]);
    expect(Array.from(decodeGreyFrame(le16([0x0800, 0x07ff, 0x0fff, 0]), format({ bitsStored: 12, pixelRepresentation: 1 })).stored)).toEqual([-2048, 2047, -1, 0]);
  });

  it("reads 8-bit frames and refuses short ones", () => {
    expect(Array.from(decodeGreyFrame(new Uint8Array([0, 255, 7, 8]), format({ bitsAllocated: 8, bitsStored: 8 })).stored)).toEqual([0, 255, 7, 8]);
    expect(() => decodeGreyFrame(new Uint8Array(3), format({}))).toThrow(/bytes/);
  });

  it("says what it can decode", () => {
    expect(isDecodable(1, 16, "MONOCHROME2")).toBe(true);
    expect(isDecodable(3, 8, "RGB")).toBe(false);
    expect(isDecodable(1, 32, "MONOCHROME2")).toBe(false);
  });
});

describe("VOI windowing", () => {
  it("follows PS3.3 C.11.2.1.2.1 LINEAR", () => {
    const soft = { center: 40, width: 400 };
    expect(voiLinear(-160.5, soft)).toBe(0);
    expect(voiLinear(240, soft)).toBe(255);
    expect(voiLinear(40, soft)).toBe(128);
    expect(voiLinear(-60, soft)).toBe(64);
  });

  it("applies rescale, window and MONOCHROME1 through one table", () => {
    const fmt = format({ pixelRepresentation: 0, rescaleIntercept: -1024 });
    const frame = decodeGreyFrame(le16([0, 1024, 1064, 4095]), fmt);
    expect(modalityValue(1064, fmt)).toBe(40);
    const out = { data: new Uint8ClampedArray(16) };
    applyLookupTable(frame, greyLookupTable(frame, { center: 40, width: 400 }), out);
    expect(Array.from(out.data.filter((_, i) => i % 4 === 0))).toEqual([0, 102, 128, 255]);
    expect(out.data[3]).toBe(255);
    const inverted = { ...frame, format: { ...fmt, inverted: true } };
    applyLookupTable(inverted, greyLookupTable(inverted, { center: 40, width: 400 }), out);
    expect(Array.from(out.data.filter((_, i) => i % 4 === 0))).toEqual([255, 153, 127, 0]);
  });

  it("draws a 512² 16-bit frame fast", () => {
    const values = new Int16Array(512 * 512).map((_, i) => (i % 4096) - 1024);
    const frame = decodeGreyFrame(new Uint8Array(values.buffer), format({ rows: 512, columns: 512, pixelRepresentation: 1 }));
    const out = { data: new Uint8ClampedArray(512 * 512 * 4) };
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) applyLookupTable(frame, greyLookupTable(frame, { center: 40 + i, width: 400 }), out);
    const each = (performance.now() - t0) / 10;
    console.info(`table + draw of a 512² frame: ${each.toFixed(2)} ms`);
    expect(out.data[0]).toBe(0);
  });
});

describe("draggedWindow", () => {
  it("widens to the right and raises the level downwards, a unit per pixel up to a width of 256", () => {
    expect(draggedWindow({ center: 40, width: 80 }, 10, -5)).toEqual({ center: 35, width: 90 });
  });

  it("moves faster for wide windows and never below a width of 1", () => {
    expect(draggedWindow({ center: -600, width: 1536 }, 2, 1)).toEqual({ center: -594, width: 1548 });
    expect(draggedWindow({ center: 40, width: 80 }, -500, 0).width).toBe(1);
  });
});
