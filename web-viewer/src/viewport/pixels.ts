/** How a grey frame's bytes hold its values (PS3.3 C.7.6.3, C.11.1). */
export interface PixelFormat {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** MONOCHROME1 shows the lowest value white. */
  inverted: boolean;
}

/** A grey frame ready to window: its stored values and their range (for the lookup table). */
export interface GreyFrame {
  format: PixelFormat;
  stored: Int16Array | Uint16Array | Uint8Array | Int32Array;
  min: number;
  max: number;
}

/** A VOI window (PS3.3 C.11.2.1.2) in modality units (e.g. HU). */
export interface Window {
  center: number;
  width: number;
}

/** Whether the viewer can decode this format itself (else it asks for rendered frames). */
export function isDecodable(samplesPerPixel: number, bitsAllocated: number, photometric: string): boolean {
  return samplesPerPixel === 1 && (bitsAllocated === 8 || bitsAllocated === 16) && /^MONOCHROME[12]$/.test(photometric);
}

/**
 * The stored values of an uncompressed little-endian frame (8 or 16 bits allocated), with the bits above Bits Stored
 * masked away and, for signed pixels (Pixel Representation 1), the sign extended from the high stored bit.
 */
export function decodeGreyFrame(bytes: Uint8Array, format: PixelFormat): GreyFrame {
  const count = format.rows * format.columns;
  const expected = count * (format.bitsAllocated / 8);
  if (bytes.length < expected) throw new Error(`frame has ${bytes.length} bytes, ${expected} expected`);
  const signed = format.pixelRepresentation === 1;
  const bits = format.bitsStored;
  let stored: Int16Array | Uint16Array | Uint8Array | Int32Array;
  if (format.bitsAllocated === 8) {
    stored = bytes.slice(0, count);
    if (signed) stored = Int32Array.from(stored, (v) => (v << (32 - bits)) >> (32 - bits));
  } else {
    // slice() copies into a new buffer, so the 16-bit view is aligned whatever the part's offset was.
    const raw = new Uint16Array(bytes.slice(0, expected).buffer);
    if (signed) {
      const s = new Int16Array(raw.buffer);
      if (bits < 16) {
        const shift = 32 - bits;
        for (let i = 0; i < count; i++) s[i] = (s[i]! << shift) >> shift;
      }
      stored = s;
    } else {
      if (bits < 16) {
        const mask = (1 << bits) - 1;
        for (let i = 0; i < count; i++) raw[i] = raw[i]! & mask;
      }
      stored = raw;
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = stored[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { format, stored, min, max };
}

/** A modality value (PS3.3 C.11.1) of a stored one. */
export function modalityValue(stored: number, format: PixelFormat): number {
  return stored * format.rescaleSlope + format.rescaleIntercept;
}

/** The VOI LUT function LINEAR (PS3.3 C.11.2.1.2.1): a modality value to a grey level 0..255. */
export function voiLinear(x: number, window: Window): number {
  const c = window.center - 0.5;
  const w = Math.max(window.width, 1) - 1;
  if (x <= c - w / 2) return 0;
  if (x > c + w / 2) return 255;
  return Math.round(((x - c) / w + 0.5) * 255);
}

/**
 * The display colours of every stored value from `frame.min` to `frame.max` for a window, as opaque RGBA words in
 * the platform's byte order for an ImageData's Uint32 view (the Modality LUT, VOI LUT and MONOCHROME1 inversion in one
 * table, so drawing a frame is one lookup per pixel whatever its bit depth).
 */
export function greyLookupTable(frame: GreyFrame, window: Window): Uint32Array {
  const table = new Uint32Array(frame.max - frame.min + 1);
  const { format } = frame;
  for (let i = 0; i < table.length; i++) {
    let g = voiLinear(modalityValue(frame.min + i, format), window);
    if (format.inverted) g = 255 - g;
    table[i] = 0xff000000 | (g << 16) | (g << 8) | g;
  }
  return table;
}

/** Draws a grey frame through a lookup table of {@link greyLookupTable} into `out` (width × height = the frame's). */
export function applyLookupTable(frame: GreyFrame, table: Uint32Array, out: ImageDataLike): void {
  const pixels = new Uint32Array(out.data.buffer, out.data.byteOffset, out.data.byteLength >> 2);
  const { stored, min } = frame;
  for (let i = 0; i < stored.length; i++) pixels[i] = table[stored[i]! - min]!;
}

/** The part of ImageData the drawing needs (so tests run without a DOM). */
export interface ImageDataLike {
  data: Uint8ClampedArray;
}

/** A window that shows the frame's whole range (when the dataset gives none). */
export function fullRangeWindow(frame: GreyFrame): Window {
  const lo = modalityValue(frame.min, frame.format);
  const hi = modalityValue(frame.max, frame.format);
  return { center: (lo + hi) / 2, width: Math.max(1, Math.abs(hi - lo)) };
}

/** Window/level by a pointer drag of (dx, dy) CSS pixels: right widens, down raises the level; faster for wide windows. */
export function draggedWindow(window: Window, dx: number, dy: number): Window {
  const speed = Math.max(1, window.width / 256);
  return { center: window.center + dy * speed, width: Math.max(1, window.width + dx * speed) };
}
