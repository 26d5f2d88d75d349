import type { DicomWebClient } from "../dicomweb/client";
import { formatDate, formatPersonName, numberValue, numberValues, stringValue, Tag, type DicomJsonDataset } from "../dicomweb/dicomJson";
import { el } from "../app/dom";
import { dot, edgeLabels, sliceNormal, sortSlices, type Vector3 } from "./geometry";
import { applyLookupTable, decodeGreyFrame, draggedWindow, fullRangeWindow, greyLookupTable, isDecodable, type GreyFrame, type PixelFormat, type Window } from "./pixels";
import { EdgeMarkers } from "./markers";
import { nextToFetch } from "./prefetch";

/** CT window presets (centre/width in HU), keys 1–4. */
export const windowPresets = {
  "ct-soft": { label: "Soft tissue", center: 40, width: 400 },
  "ct-lung": { label: "Lung", center: -600, width: 1500 },
  "ct-bone": { label: "Bone", center: 300, width: 2000 },
  "ct-brain": { label: "Brain", center: 40, width: 80 },
} as const;
export type PresetName = keyof typeof windowPresets;

/** How many frames are fetched at once. */
const concurrency = 6;
const cineFramesPerSecond = 20;

/** One slice of the stack: its instance and what the viewer reads of its header. */
export interface StackSlice {
  sop: string;
  dataset: DicomJsonDataset;
  instanceNumber: number | undefined;
  position: number[] | undefined;
  orientation: number[] | undefined;
}

/** The instances of a series' metadata (PS3.18 10.4.1.1.2) as slices, in stack order. */
export function slicesOf(metadata: DicomJsonDataset[]): StackSlice[] {
  return sortSlices(
    metadata
      .map((dataset) => ({
        sop: stringValue(dataset, Tag.SOPInstanceUID) ?? "",
        dataset,
        instanceNumber: numberValue(dataset, Tag.InstanceNumber),
        position: numberValues(dataset, Tag.ImagePositionPatient),
        orientation: numberValues(dataset, Tag.ImageOrientationPatient),
      }))
      .filter((s) => s.sop && (numberValue(s.dataset, Tag.Rows) ?? 0) > 0),
  );
}

type LoadedFrame = { kind: "grey"; frame: GreyFrame } | { kind: "bitmap"; bitmap: ImageBitmap };

function pixelFormat(d: DicomJsonDataset): PixelFormat {
  const bitsAllocated = numberValue(d, Tag.BitsAllocated) ?? 16;
  return {
    rows: numberValue(d, Tag.Rows) ?? 0,
    columns: numberValue(d, Tag.Columns) ?? 0,
    bitsAllocated,
    bitsStored: numberValue(d, Tag.BitsStored) ?? bitsAllocated,
    pixelRepresentation: numberValue(d, Tag.PixelRepresentation) ?? 0,
    rescaleSlope: numberValue(d, Tag.RescaleSlope) ?? 1,
    rescaleIntercept: numberValue(d, Tag.RescaleIntercept) ?? 0,
    inverted: stringValue(d, Tag.PhotometricInterpretation) === "MONOCHROME1",
  };
}

function decodable(d: DicomJsonDataset): boolean {
  return isDecodable(numberValue(d, Tag.SamplesPerPixel) ?? 1, numberValue(d, Tag.BitsAllocated) ?? 16, stringValue(d, Tag.PhotometricInterpretation) ?? "MONOCHROME2");
}

/**
 * The stack viewport: one series' slices on a canvas, decoded in the browser from uncompressed WADO-RS frames (rendered
 * JPEG frames for colour or anything it cannot decode), fetched outward from the shown slice. Scroll, window/level,
 * zoom/pan, cine; overlays of patient, study, slice and window, and orientation markers at the edges.
 */
export class StackViewport {
  readonly element: HTMLElement;
  /** Called when the slice, window, zoom or loading progress changes (the study view's labels and buttons follow it). */
  onChange: () => void = () => {};

  private readonly canvas = el("canvas");
  private readonly context: CanvasRenderingContext2D;
  private readonly image = document.createElement("canvas");
  private imageData: ImageData | undefined;
  private readonly overlay = {
    topLeft: el("div", { class: "overlay top-left" }),
    topRight: el("div", { class: "overlay top-right" }),
    bottomLeft: el("div", { class: "overlay bottom-left" }),
    bottomRight: el("div", { class: "overlay bottom-right" }),
    slice: el("span", { "data-testid": "slice-label" }),
    position: el("span"),
    window: el("span", { "data-testid": "window-label" }),
    zoom: el("span"),
    progress: el("div", { class: "progress", "data-testid": "progress", hidden: true }),
    message: el("div", { class: "message", "data-testid": "message", hidden: true }),
    markers: new EdgeMarkers(),
  };
  private slices: StackSlice[] = [];
  private frames: (LoadedFrame | undefined)[] = [];
  private readonly failed = new Set<number>();
  private readonly inFlight = new Map<number, AbortController>();
  private index = 0;
  private win: Window | undefined;
  private table: { frame: GreyFrame; table: Uint32Array; window: Window } | undefined;
  private zoom = 1;
  private pan = { x: 0, y: 0 };
  private cine: number | undefined;
  private loaded = 0;
  private completeMarked = false;
  private drawn = false;
  private readonly resize = new ResizeObserver(() => this.draw());
  private wheelRest = 0;

  constructor(
    private readonly client: DicomWebClient,
    private readonly study: string,
    readonly series: string,
    private readonly studyInfo: DicomJsonDataset,
  ) {
    const o = this.overlay;
    o.bottomLeft.append(o.slice, el("br"), o.position);
    o.bottomRight.append(o.window, el("br"), o.zoom);
    this.element = el(
      "div",
      { class: "viewport stack", "data-testid": "stack-viewport", "data-state": "loading", "data-slice-index": 0, "data-slice-count": 0, "data-loaded": 0, tabindex: 0 },
      this.canvas,
      o.topLeft,
      o.topRight,
      o.bottomLeft,
      o.bottomRight,
      ...o.markers.nodes,
      o.progress,
      o.message,
    );
    const context = this.canvas.getContext("2d");
    if (!context) throw new Error("this browser has no 2D canvas");
    this.context = context;
    this.resize.observe(this.element);
    this.bindPointer();
  }

  /** Shows these slices (the series' metadata, sorted); called again as more instances are indexed, keeping what is loaded. */
  setSlices(slices: StackSlice[], series: DicomJsonDataset): void {
    const previous = new Map(this.slices.map((s, i) => [s.sop, this.frames[i]]));
    const shown = this.slices[this.index]?.sop;
    const first = this.slices.length === 0;
    this.slices = slices;
    this.frames = slices.map((s) => previous.get(s.sop));
    this.failed.clear();
    this.loaded = this.frames.filter(Boolean).length;
    const keep = shown ? slices.findIndex((s) => s.sop === shown) : -1;
    this.index = keep >= 0 ? keep : first ? Math.floor(slices.length / 2) : Math.min(this.index, slices.length - 1);
    this.index = Math.max(0, this.index);
    const d = slices[0]?.dataset;
    if (d && !this.win) {
      const center = numberValue(d, Tag.WindowCenter);
      const width = numberValue(d, Tag.WindowWidth);
      if (center !== undefined && width !== undefined && width > 0) this.win = { center, width };
    }
    const o = this.overlay;
    const info = this.studyInfo;
    o.topLeft.textContent = "";
    o.topLeft.append(formatPersonName(stringValue(info, Tag.PatientName)) || "(no name)", el("br"), stringValue(info, Tag.PatientID) ?? "");
    o.topRight.textContent = "";
    o.topRight.append(
      [formatDate(stringValue(info, Tag.StudyDate)), stringValue(info, Tag.StudyDescription)].filter(Boolean).join(" · "),
      el("br"),
      [stringValue(series, Tag.Modality), stringValue(series, Tag.SeriesNumber) ? `#${stringValue(series, Tag.SeriesNumber)}` : "", stringValue(series, Tag.SeriesDescription)].filter(Boolean).join(" "),
    );
    o.markers.set(edgeLabels(slices[0]?.orientation));
    if (slices.length === 0) this.showMessage("waiting", "Waiting for images…");
    this.pump();
    this.draw();
  }

  /** Shows an explanation instead of an image (waiting, errors). */
  showMessage(state: "waiting" | "error", text: string): void {
    this.element.dataset["state"] = state;
    this.overlay.message.textContent = text;
    this.overlay.message.hidden = false;
  }

  get sliceIndex(): number {
    return this.index;
  }

  get sliceCount(): number {
    return this.slices.length;
  }

  get window(): Window | undefined {
    return this.win;
  }

  get cineRunning(): boolean {
    return this.cine !== undefined;
  }

  /** Shows slice `index` (clamped to the stack). */
  scrollTo(index: number): void {
    const next = Math.max(0, Math.min(this.slices.length - 1, Math.round(index)));
    if (next === this.index || this.slices.length === 0) return;
    this.index = next;
    this.pump();
    this.draw();
  }

  scrollBy(delta: number): void {
    this.scrollTo(this.index + delta);
  }

  setWindow(window: Window): void {
    this.win = { center: window.center, width: Math.max(1, window.width) };
    this.draw();
  }

  applyPreset(name: PresetName): void {
    this.setWindow(windowPresets[name]);
  }

  /** Back to the fitted image and the series' own window. */
  reset(): void {
    this.zoom = 1;
    this.pan = { x: 0, y: 0 };
    const d = this.slices[0]?.dataset;
    const center = d && numberValue(d, Tag.WindowCenter);
    const width = d && numberValue(d, Tag.WindowWidth);
    this.win = center !== undefined && width !== undefined && width > 0 ? { center, width } : undefined;
    this.draw();
  }

  toggleCine(): void {
    if (this.cine !== undefined) {
      clearInterval(this.cine);
      this.cine = undefined;
    } else {
      this.cine = window.setInterval(() => this.scrollTo(this.index + 1 < this.slices.length ? this.index + 1 : 0), 1000 / cineFramesPerSecond);
    }
    this.onChange();
  }

  /** Stops fetching, cine and observing; the element can be dropped. */
  destroy(): void {
    if (this.cine !== undefined) clearInterval(this.cine);
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
    this.resize.disconnect();
    for (const f of this.frames) if (f?.kind === "bitmap") f.bitmap.close();
  }

  // Fetches the nearest missing slices around the shown one, `concurrency` at a time.
  private pump(): void {
    const pending = (i: number) => !this.frames[i] && !this.inFlight.has(i) && !this.failed.has(i);
    // The first image alone, so that nothing competes with it; then `concurrency` at a time.
    while (this.inFlight.size < (this.drawn ? concurrency : 1)) {
      const i = nextToFetch(this.index, this.slices.length, pending);
      if (i === -1) break;
      void this.fetchSlice(i);
    }
    this.showProgress();
  }

  private async fetchSlice(i: number): Promise<void> {
    const slice = this.slices[i]!;
    const controller = new AbortController();
    this.inFlight.set(i, controller);
    try {
      let frame: LoadedFrame;
      if (decodable(slice.dataset)) {
        const [bytes] = await this.client.retrieveInstanceFrames(this.study, this.series, slice.sop, [1], { signal: controller.signal });
        frame = { kind: "grey", frame: decodeGreyFrame(bytes!, pixelFormat(slice.dataset)) };
      } else {
        frame = { kind: "bitmap", bitmap: await this.client.retrieveRenderedFrame(this.study, this.series, slice.sop, 1, { signal: controller.signal }) };
      }
      if (this.inFlight.get(i) !== controller || this.slices[i] !== slice) return; // the stack changed meanwhile
      this.frames[i] = frame;
      this.loaded++;
      if (i === this.index) this.draw();
    } catch (error) {
      if (controller.signal.aborted) return;
      this.failed.add(i);
      if (i === this.index) this.showMessage("error", `Slice ${i + 1} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (this.inFlight.get(i) === controller) this.inFlight.delete(i);
      this.pump();
    }
  }

  private showProgress(): void {
    const n = this.slices.length;
    const e = this.element.dataset;
    e["loaded"] = String(this.loaded);
    const progress = this.overlay.progress;
    progress.hidden = n === 0 || this.loaded >= n;
    progress.textContent = `${this.loaded} of ${n} loaded`;
    if (n > 0 && this.loaded >= n && !this.completeMarked) {
      this.completeMarked = true;
      performance.mark("isocenter:series-loaded");
    } else if (this.loaded < n) {
      this.completeMarked = false;
    }
    this.onChange();
  }

  // Draws the shown slice, its overlays and the element's data attributes.
  private draw(): void {
    const e = this.element.dataset;
    e["sliceIndex"] = String(this.index);
    e["sliceCount"] = String(this.slices.length);
    const n = this.slices.length;
    this.overlay.slice.textContent = n ? `${this.index + 1} / ${n}` : "";
    const slice = this.slices[this.index];
    const frame = this.frames[this.index];
    this.overlay.position.textContent = slice ? this.positionText(slice) : "";
    this.overlay.window.textContent = this.win && frame?.kind !== "bitmap" ? `W ${Math.round(this.win.width)} L ${Math.round(this.win.center)}` : "";
    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(this.element.clientWidth * dpr));
    const height = Math.max(1, Math.round(this.element.clientHeight * dpr));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    if (!frame) {
      if (slice && this.failed.has(this.index)) return;
      if (slice && !this.drawn) {
        this.element.dataset["state"] = "loading";
      }
      this.onChange();
      return;
    }
    let columns: number;
    let rows: number;
    let source: CanvasImageSource;
    if (frame.kind === "grey") {
      const f = frame.frame;
      this.win ??= fullRangeWindow(f);
      columns = f.format.columns;
      rows = f.format.rows;
      if (this.image.width !== columns || this.image.height !== rows) {
        this.image.width = columns;
        this.image.height = rows;
      }
      const imageContext = this.image.getContext("2d")!;
      if (this.imageData?.width !== columns || this.imageData.height !== rows) this.imageData = imageContext.createImageData(columns, rows);
      const data = this.imageData;
      if (!this.table || this.table.frame.min !== f.min || this.table.frame.max !== f.max || this.table.frame.format !== f.format || this.table.window !== this.win) {
        this.table = { frame: f, table: greyLookupTable(f, this.win), window: this.win };
      }
      applyLookupTable(f, this.table.table, data);
      imageContext.putImageData(data, 0, 0);
      source = this.image;
    } else {
      columns = frame.bitmap.width;
      rows = frame.bitmap.height;
      source = frame.bitmap;
    }
    const ctx = this.context;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, width, height);
    const scale = Math.min(width / columns, height / rows) * this.zoom;
    ctx.imageSmoothingEnabled = scale < 4;
    ctx.setTransform(scale, 0, 0, scale, width / 2 + this.pan.x * dpr - (columns * scale) / 2, height / 2 + this.pan.y * dpr - (rows * scale) / 2);
    ctx.drawImage(source, 0, 0);
    this.overlay.window.textContent = frame.kind === "grey" ? `W ${Math.round(this.win!.width)} L ${Math.round(this.win!.center)}` : "";
    this.overlay.zoom.textContent = `Zoom ${Math.round(Math.min(width / columns, height / rows) * this.zoom / dpr * 100)} %`;
    this.overlay.message.hidden = true;
    e["state"] = "ready";
    if (!this.drawn) {
      this.drawn = true;
      if (performance.getEntriesByName("isocenter:first-image").length === 0) performance.mark("isocenter:first-image");
    }
    this.onChange();
  }

  private positionText(slice: StackSlice): string {
    const location = numberValue(slice.dataset, Tag.SliceLocation);
    const normal = sliceNormal(slice.orientation);
    const p = slice.position;
    if (location !== undefined) return `Loc ${location.toFixed(1)} mm`;
    if (normal && p && p.length >= 3) return `Pos ${dot(p as Vector3, normal).toFixed(1)} mm`;
    return "";
  }

  private bindPointer(): void {
    const c = this.element;
    c.addEventListener("contextmenu", (e) => e.preventDefault());
    c.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        if (e.ctrlKey || e.metaKey) {
          this.zoomBy(Math.exp(-e.deltaY * 0.002));
          return;
        }
        // One slice per notch of a wheel (a line or page, or 50 pixels and more at once); trackpads send many small
        // pixel deltas: one slice per 50 pixels of them.
        const notch = e.deltaMode !== 0 || Math.abs(e.deltaY) >= 50;
        this.wheelRest += notch ? Math.sign(e.deltaY) : e.deltaY / 50;
        const steps = Math.trunc(this.wheelRest);
        if (steps !== 0) {
          this.wheelRest -= steps;
          this.scrollBy(steps);
        }
      },
      { passive: false },
    );
    const pointers = new Map<number, { x: number; y: number }>();
    let mode: "window" | "pan" | "scroll" | "pinch" | undefined;
    let scrollRest = 0;
    let pinchDistance = 0;
    c.addEventListener("pointerdown", (e) => {
      c.focus();
      c.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 2) {
        mode = "pinch";
        const [a, b] = [...pointers.values()];
        pinchDistance = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      } else if (e.pointerType === "touch") mode = "scroll";
      else if (e.button === 1 || (e.button === 0 && e.shiftKey)) mode = "pan";
      else if (e.button === 2) mode = "scroll";
      else mode = "window";
      scrollRest = 0;
      e.preventDefault();
    });
    c.addEventListener("pointermove", (e) => {
      const last = pointers.get(e.pointerId);
      if (!last || !mode) return;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (mode === "pinch") {
        const [a, b] = [...pointers.values()];
        const distance = Math.hypot(a!.x - b!.x, a!.y - b!.y);
        if (pinchDistance > 0) this.zoomBy(distance / pinchDistance);
        pinchDistance = distance;
      } else if (mode === "pan") {
        this.pan.x += dx;
        this.pan.y += dy;
        this.draw();
      } else if (mode === "scroll") {
        // A drag across the viewport's height runs through the whole stack, at least a slice per 8 pixels.
        const perSlice = Math.min(8, c.clientHeight / Math.max(1, this.slices.length));
        scrollRest += dy / perSlice;
        const steps = Math.trunc(scrollRest);
        if (steps) {
          scrollRest -= steps;
          this.scrollBy(steps);
        }
      } else if (this.win) {
        this.setWindow(draggedWindow(this.win, dx, dy));
      }
    });
    const end = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      if (pointers.size === 0) mode = undefined;
      else if (mode === "pinch") mode = "scroll";
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
  }

  private zoomBy(factor: number): void {
    this.zoom = Math.max(0.25, Math.min(16, this.zoom * factor));
    this.draw();
  }
}
