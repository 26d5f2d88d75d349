import { describe, expect, it } from "vitest";
import { multipartBoundary, parseMultipart } from "./multipart";

const enc = new TextEncoder();
function concat(...chunks: (string | Uint8Array)[]): Uint8Array {
  const arrays = chunks.map((c) => (typeof c === "string" ? enc.encode(c) : c));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

describe("multipartBoundary", () => {
  it("reads quoted and bare boundaries", () => {
    expect(multipartBoundary('multipart/related; type="application/octet-stream"; boundary="abc:123"')).toBe("abc:123");
    expect(multipartBoundary("multipart/related; boundary=xyz; type=application/octet-stream")).toBe("xyz");
    expect(multipartBoundary("application/json")).toBeUndefined();
  });
});

describe("parseMultipart", () => {
  it("splits parts with headers and binary bodies that contain CR LF and dashes", () => {
    const frame = new Uint8Array([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0d, 0x0a]);
    const body = concat(
      "--b1\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n",
      frame,
      "\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b1--\r\n",
    );
    const parts = parseMultipart(body, "b1");
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers["content-type"]).toContain("transfer-syntax=1.2.840.10008.1.2.1");
    expect(Array.from(parts[0]!.body)).toEqual(Array.from(frame));
    expect(new TextDecoder().decode(parts[1]!.body)).toBe("second");
  });

  it("ignores a preamble, transport padding and the epilogue", () => {
    const body = concat("preamble\r\n--b  \r\nA: 1\r\n\r\nx\r\n--b--  \r\nepilogue");
    const parts = parseMultipart(body, "b");
    expect(parts).toHaveLength(1);
    expect(parts[0]!.headers["a"]).toBe("1");
    expect(new TextDecoder().decode(parts[0]!.body)).toBe("x");
  });

  it("accepts a part without headers and an empty body", () => {
    const parts = parseMultipart(concat("--b\r\n\r\n\r\n--b--"), "b");
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.length).toBe(0);
  });

  it("refuses a truncated body", () => {
    expect(() => parseMultipart(concat("--b\r\nA: 1\r\n\r\nxxxx"), "b")).toThrow(/truncated/);
    expect(() => parseMultipart(concat("no boundary here"), "b")).toThrow();
  });
});
