import { HttpError } from "../dicomweb/client";
import { describeError, el, goToLogin } from "../app/dom";
import { EdgeMarkers } from "./markers";
import { draggedWindow, type Window } from "./pixels";

/** The render service's description of a series (`GET /render/studies/{s}/series/{se}`, docs/render.md). */
export interface RenderedSeries {
  modality: string;
  spacing: [number, number, number];
  window: { center: number; width: number };
  offsets: Record<MprPlane, { min: number; max: number }>;
}

export type MprPlane = "axial" | "coronal" | "sagittal";

/** A point relative to the volume's centre in patient millimetres (LPS): where the three MPR planes cross. */
type Point = { x: number; y: number; z: number };

/**
 * How each plane's image is laid out by the render service's cameras (VolumeCamera): the patient axes along the image's
 * right and down, and the MPR offset (along Forward = Up × Right). Axial: seen from the feet, L right, P down, offset
 * toward the head; coronal: from the front, L right, F down, offset toward posterior; sagittal: from the patient's left,
 * P right, F down, offset toward the right.
 */
export const planeAxes: Record<MprPlane, { right: (p: Point) => number; down: (p: Point) => number; offset: (p: Point) => number; set: (p: Point, right: number, down: number) => Point; move: (p: Point, offset: number) => Point }> = {
  axial: { right: (p) => p.x, down: (p) => p.y, offset: (p) => p.z, set: (p, r, d) => ({ ...p, x: r, y: d }), move: (p, o) => ({ ...p, z: o }) },
  coronal: { right: (p) => p.x, down: (p) => -p.z, offset: (p) => p.y, set: (p, r, d) => ({ ...p, x: r, z: -d }), move: (p, o) => ({ ...p, y: o }) },
  sagittal: { right: (p) => p.y, down: (p) => -p.z, offset: (p) => -p.x, set: (p, r, d) => ({ ...p, y: r, z: -d }), move: (p, o) => ({ ...p, x: -o }) },
};

/** The image size to ask for: the element's device pixels, capped at 1024 on the long side. */
export function imageSize(cssWidth: number, cssHeight: number, devicePixelRatio: number): { width: number; height: number } {
  let width = Math.max(16, Math.round(cssWidth * devicePixelRatio));
  let height = Math.max(16, Math.round(cssHeight * devicePixelRatio));
  const scale = Math.min(1, 1024 / Math.max(width, height));
  width = Math.max(16, Math.round(width * scale));
  height = Math.max(16, Math.round(height * scale));
  return { width, height };
}

/**
 * The four edge labels of a rendered image: from the `X-Orientation: top=H;right=L;bottom=F;left=R` header, or the
 * session's `orientation` object as is.
 */
export function parseOrientation(header: string | Record<string, string> | null | undefined): Record<string, string> {
  if (header && typeof header === "object") return header;
  const labels: Record<string, string> = {};
  for (const pair of (header ?? "").split(";")) {
    const [edge, label] = pair.split("=");
    if (edge && label) labels[edge.trim()] = label.trim();
  }
  return labels;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (response.status === 401) goToLogin();
  if (!response.ok) throw await HttpError.from(response);
  return (await response.json()) as T;
}

function camel(json: Record<string, unknown>): RenderedSeries {
  const get = (k: string) => json[k] ?? json[k[0]!.toUpperCase() + k.slice(1)];
  const offsets = get("offsets") as Record<string, { min?: number; Min?: number; max?: number; Max?: number }>;
  const range = (plane: string) => {
    const r = offsets[plane] ?? offsets[plane[0]!.toUpperCase() + plane.slice(1)] ?? {};
    return { min: r.min ?? r.Min ?? -200, max: r.max ?? r.Max ?? 200 };
  };
  const w = get("window") as { center?: number; Center?: number; width?: number; Width?: number };
  return {
    modality: String(get("modality") ?? ""),
    spacing: (get("spacing") as [number, number, number]) ?? [1, 1, 1],
    window: { center: w?.center ?? w?.Center ?? 40, width: w?.width ?? w?.Width ?? 400 },
    offsets: { axial: range("axial"), coronal: range("coronal"), sagittal: range("sagittal") },
  };
}

/** One render-service image in an element: newest request wins (the previous fetch is aborted). */
class RenderedImage {
  readonly img = el("img", { alt: "", draggable: "false" });
  private request: AbortController | undefined;
  private url: string | undefined;

  /** Fetches and shows an image; resolves with its response headers, or undefined when a newer request replaced it. */
  async show(url: string): Promise<Headers | undefined> {
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    try {
      const response = await fetch(url, { credentials: "same-origin", signal: controller.signal });
      if (response.status === 401) goToLogin();
      if (!response.ok) throw await HttpError.from(response);
      this.setBlob(await response.blob());
      return response.headers;
    } catch (error) {
      if (controller.signal.aborted) return undefined;
      throw error;
    }
  }

  setBlob(blob: Blob): void {
    const url = URL.createObjectURL(blob);
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = url;
    this.img.src = url;
  }

  destroy(): void {
    this.request?.abort();
    if (this.url) URL.revokeObjectURL(this.url);
  }
}

/**
 * The four-up layout: axial, sagittal and coronal MPR with linked crosshairs and one window (left drag: window/level as in
 * the stack; click: the crosshair point), and 3D, all rendered by the render service.
 */
export class FourUp {
  readonly element: HTMLElement;
  private readonly views: { plane: MprPlane; element: HTMLElement; image: RenderedImage; cross: SVGSVGElement; label: HTMLElement; windowLabel: HTMLElement; markers: EdgeMarkers; spacing: number; size: { width: number; height: number } }[] = [];
  private readonly volume: VolumeView;
  private series: RenderedSeries | undefined;
  private point: Point = { x: 0, y: 0, z: 0 };
  private win: Window | undefined;
  private readonly resize = new ResizeObserver(() => this.renderAll());
  private destroyed = false;

  constructor(
    private readonly renderRoot: string,
    private readonly study: string,
    private readonly seriesUid: string,
    private readonly stackWindow: Window | undefined,
  ) {
    const base = `${renderRoot}/studies/${study}/series/${seriesUid}`;
    for (const plane of ["axial", "sagittal", "coronal"] as const) {
      const image = new RenderedImage();
      const cross = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      cross.classList.add("crosshair");
      const label = el("div", { class: "overlay bottom-left" });
      const windowLabel = el("div", { class: "overlay bottom-right", "data-testid": "mpr-window-label" });
      const m = new EdgeMarkers();
      const element = el("div", { class: `viewport mpr ${plane}`, "data-testid": `mpr-${plane}`, "data-state": "loading" }, image.img, cross, label, windowLabel, ...m.nodes, el("div", { class: "overlay top-left" }, plane[0]!.toUpperCase() + plane.slice(1)));
      this.views.push({ plane, element, image, cross, label, windowLabel, markers: m, spacing: 1, size: { width: 0, height: 0 } });
    }
    this.volume = new VolumeView(base);
    this.element = el("div", { class: "four-up" }, ...this.views.map((v) => v.element), this.volume.element);
    for (const view of this.views) this.bindMpr(view);
    void this.start(base);
  }

  private async start(base: string): Promise<void> {
    let presets: string[];
    try {
      const status = await getJson<Record<string, unknown>>(this.renderRoot);
      presets = ((status["presets"] ?? status["Presets"]) as string[] | undefined) ?? [];
      this.series = camel(await getJson<Record<string, unknown>>(base));
    } catch (error) {
      this.unavailable(error);
      return;
    }
    if (this.destroyed) return;
    this.volume.start(presets, this.series.modality === "MR" ? "mr-default" : "ct-bone");
    this.resize.observe(this.element); // its first callback renders the views
  }

  private unavailable(error: unknown): void {
    const reason = error instanceof HttpError ? `${error.status} ${error.title}${error.detail ? ` (${error.detail})` : ""}` : describeError(error);
    const text = `3D and MPR need the render service, which is not available: ${reason}`;
    for (const element of [...this.views.map((v) => v.element), this.volume.element]) {
      element.dataset["state"] = "unavailable";
      element.querySelector(".message")?.remove();
      element.append(el("div", { class: "message", "data-testid": "message" }, text));
    }
  }

  private get window(): Window {
    return this.win ?? this.stackWindow ?? this.series?.window ?? { center: 40, width: 400 };
  }

  /** Sets the MPR views' window (a preset), or with none goes back to the series' own. */
  setWindow(window?: Window): void {
    this.win = window ? { center: window.center, width: Math.max(1, window.width) } : this.series?.window;
    this.renderAll();
  }

  private renderAll(): void {
    if (!this.series || this.destroyed) return;
    for (const view of this.views) void this.renderMpr(view);
  }

  private async renderMpr(view: FourUp["views"][number]): Promise<void> {
    const rect = view.element.getBoundingClientRect();
    if (rect.width < 16 || rect.height < 16) return;
    const size = imageSize(rect.width, rect.height, window.devicePixelRatio || 1);
    const axes = planeAxes[view.plane];
    const w = this.window;
    const url = `${this.renderRoot}/studies/${this.study}/series/${this.seriesUid}/mpr?plane=${view.plane}&offset=${axes.offset(this.point).toFixed(2)}&window=${w.center},${w.width}&size=${size.width}x${size.height}`;
    this.drawCross(view);
    try {
      const headers = await view.image.show(url);
      if (!headers) return;
      view.size = size;
      view.spacing = Number(headers.get("X-Pixel-Spacing")) || view.spacing;
      view.markers.set(parseOrientation(headers.get("X-Orientation")));
      view.label.textContent = `${axes.offset(this.point).toFixed(1)} mm`;
      view.windowLabel.textContent = `W ${Math.round(w.width)} L ${Math.round(w.center)}`;
      view.element.dataset["state"] = "ready";
      view.element.querySelector(".message")?.remove();
      this.drawCross(view);
    } catch (error) {
      view.element.dataset["state"] = "unavailable";
      view.element.querySelector(".message")?.remove();
      view.element.append(el("div", { class: "message", "data-testid": "message" }, `This view could not be rendered: ${describeError(error)}`));
    }
  }

  // The lines where the other two planes cut this one, through the crosshair point.
  private drawCross(view: FourUp["views"][number]): void {
    const rect = view.element.getBoundingClientRect();
    const axes = planeAxes[view.plane];
    // mm per CSS pixel: the image's spacing times its device pixels per CSS pixel.
    const mmPerCss = view.size.width ? (view.spacing * view.size.width) / rect.width : 1;
    const x = rect.width / 2 + axes.right(this.point) / mmPerCss;
    const y = rect.height / 2 + axes.down(this.point) / mmPerCss;
    view.cross.setAttribute("viewBox", `0 0 ${rect.width} ${rect.height}`);
    view.cross.innerHTML = `<line x1="0" y1="${y}" x2="${rect.width}" y2="${y}"/><line x1="${x}" y1="0" x2="${x}" y2="${rect.height}"/>`;
  }

  private bindMpr(view: FourUp["views"][number]): void {
    const axes = planeAxes[view.plane];
    // Left drag: window/level, as in the stack (right = wider, down = higher level); this view follows the pointer, the
    // other two catch up when the drag ends. A press that moves less than a few pixels stays a click.
    let drag: { x: number; y: number; moved: boolean } | undefined;
    let dragged = false;
    let frame = 0; // the animation frame that will render this view with the window of that moment; 0 when none
    view.element.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || !this.series) return;
      view.element.setPointerCapture(e.pointerId);
      drag = { x: e.clientX, y: e.clientY, moved: false };
      dragged = false;
    });
    view.element.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const [dx, dy] = [e.clientX - drag.x, e.clientY - drag.y];
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.win = draggedWindow(this.window, dx, dy);
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        void this.renderMpr(view);
      });
    });
    const end = () => {
      if (drag?.moved) {
        dragged = true;
        this.renderAll();
      }
      drag = undefined;
    };
    view.element.addEventListener("pointerup", end);
    view.element.addEventListener("pointercancel", end);
    view.element.addEventListener("click", (e) => {
      if (dragged) {
        dragged = false;
        return;
      }
      if (!this.series || !view.size.width) return;
      const rect = view.element.getBoundingClientRect();
      const mmPerCss = (view.spacing * view.size.width) / rect.width;
      this.point = axes.set(this.point, (e.clientX - rect.left - rect.width / 2) * mmPerCss, (e.clientY - rect.top - rect.height / 2) * mmPerCss);
      this.clampPoint();
      for (const other of this.views) {
        if (other === view) this.drawCross(other);
        else void this.renderMpr(other);
      }
    });
    view.element.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        if (!this.series) return;
        const step = Math.min(...this.series.spacing) * Math.sign(e.deltaY) * (e.shiftKey ? 5 : 1);
        this.point = axes.move(this.point, axes.offset(this.point) + step);
        this.clampPoint();
        this.renderAll();
      },
      { passive: false },
    );
  }

  private clampPoint(): void {
    if (!this.series) return;
    for (const view of this.views) {
      const axes = planeAxes[view.plane];
      const range = this.series.offsets[view.plane];
      const o = axes.offset(this.point);
      const clamped = Math.max(range.min, Math.min(range.max, o));
      if (clamped !== o) this.point = axes.move(this.point, clamped);
    }
  }

  destroy(): void {
    this.destroyed = true;
    this.resize.disconnect();
    for (const view of this.views) view.image.destroy();
    this.volume.destroy();
  }
}

/**
 * The 3D viewport: rotate by left-drag, zoom by wheel, a preset select. Frames come from a render session (WebSocket:
 * half-size frames while dragging, the full one when the drag stops); when no session can be opened, from HTTP images,
 * the newest request aborting the previous one.
 */
class VolumeView {
  readonly element: HTMLElement;
  private readonly image = new RenderedImage();
  private readonly select = el("select", { "data-testid": "volume-preset", "aria-label": "3D preset" });
  private readonly markers = new EdgeMarkers();
  private azimuth = 0;
  private elevation = 0;
  private zoom = 1;
  private socket: WebSocket | undefined;
  private socketReady = false;
  private seq = 0;
  // The orientation of the frame whose image comes next (a session sends its JSON, then its bytes).
  private nextOrientation: Record<string, string> | undefined;
  private frameRequested = false;
  private readonly resize = new ResizeObserver(() => this.render(false));
  private started = false;

  constructor(private readonly base: string) {
    this.element = el("div", { class: "viewport volume", "data-testid": "volume-3d", "data-state": "loading", "data-azimuth": 0, "data-elevation": 0 }, this.image.img, ...this.markers.nodes, el("div", { class: "overlay top-left" }, "3D"), el("div", { class: "overlay top-right" }, this.select));
    this.select.addEventListener("change", () => this.render(false));
    this.bind();
  }

  start(presets: string[], preset: string): void {
    this.select.replaceChildren(...presets.map((p) => el("option", { value: p, selected: p === preset }, p)));
    this.started = true;
    this.openSession();
    this.resize.observe(this.element);
  }

  private openSession(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${location.host}${this.base}/session`);
    socket.binaryType = "blob";
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.socketReady = true;
      this.render(false);
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") {
        const meta = JSON.parse(event.data) as { error?: string; orientation?: Record<string, string> };
        if (meta.error) this.fail(new Error(meta.error));
        else this.nextOrientation = meta.orientation;
      } else if (event.data instanceof Blob) {
        this.image.setBlob(event.data);
        this.shown(this.nextOrientation);
      }
    });
    // A session that could not open, or closed (replaced by another tab, the service restarting): HTTP images from here on.
    const fallback = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.socketReady = false;
      this.render(false);
    };
    socket.addEventListener("close", fallback);
    socket.addEventListener("error", () => socket.close());
  }

  private query(interacting: boolean): string {
    const rect = this.element.getBoundingClientRect();
    const size = imageSize(rect.width, rect.height, window.devicePixelRatio || 1);
    const params = new URLSearchParams({
      preset: this.select.value || "ct-bone",
      azimuth: this.azimuth.toFixed(1),
      elevation: this.elevation.toFixed(1),
      zoom: this.zoom.toFixed(3),
      size: `${size.width}x${size.height}`,
    });
    if (interacting) params.set("interacting", "1");
    return params.toString();
  }

  // One request per animation frame at most; the session renders only the newest anyway.
  private render(interacting: boolean): void {
    if (!this.started) return;
    this.element.dataset["azimuth"] = this.azimuth.toFixed(0);
    this.element.dataset["elevation"] = this.elevation.toFixed(0);
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      const rect = this.element.getBoundingClientRect();
      if (rect.width < 16 || rect.height < 16) return;
      if (this.socket && this.socketReady) {
        this.socket.send(`kind=volume&${this.query(interacting)}&seq=${++this.seq}`);
      } else if (!this.socket) {
        this.image.show(`${this.base}/volume?${this.query(false)}`).then(
          (headers) => headers && this.shown(headers.get("X-Orientation")),
          (error: unknown) => this.fail(error),
        );
      }
    });
  }

  private shown(orientation: string | Record<string, string> | null | undefined): void {
    this.markers.set(parseOrientation(orientation));
    this.element.dataset["state"] = "ready";
    this.element.querySelector(".message")?.remove();
  }

  private fail(error: unknown): void {
    this.element.dataset["state"] = "unavailable";
    this.element.querySelector(".message")?.remove();
    this.element.append(el("div", { class: "message", "data-testid": "message" }, `3D could not be rendered: ${describeError(error)}`));
  }

  private bind(): void {
    let last: { x: number; y: number } | undefined;
    this.element.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || e.target === this.select) return;
      last = { x: e.clientX, y: e.clientY };
      this.element.setPointerCapture(e.pointerId);
      e.preventDefault();
    });
    this.element.addEventListener("pointermove", (e) => {
      if (!last) return;
      this.azimuth = (((this.azimuth - (e.clientX - last.x) * 0.5) % 360) + 360) % 360;
      this.elevation = Math.max(-90, Math.min(90, this.elevation + (e.clientY - last.y) * 0.5));
      last = { x: e.clientX, y: e.clientY };
      this.render(true);
    });
    const end = () => {
      if (!last) return;
      last = undefined;
      if (!this.socket) this.render(false); // the session sends its full frame by itself once requests stop
    };
    this.element.addEventListener("pointerup", end);
    this.element.addEventListener("pointercancel", end);
    this.element.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        this.zoom = Math.max(0.5, Math.min(8, this.zoom * Math.exp(-e.deltaY * 0.002)));
        this.render(true);
      },
      { passive: false },
    );
  }

  destroy(): void {
    this.started = false;
    this.resize.disconnect();
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    this.image.destroy();
  }
}
