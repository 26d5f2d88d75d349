import { HttpError, type DicomWebClient } from "../dicomweb/client";
import { formatDate, formatPersonName, numberValue, stringValue, Tag, type DicomJsonDataset } from "../dicomweb/dicomJson";
import type { PacsClient, Retrieval } from "../pacs/client";
import { describeRetrieval, finished, retrievalCounts, RetrievalWatch } from "../pacs/retrieval";
import { blind } from "../review/cases";
import { FourUp } from "../viewport/renderViewports";
import { slicesOf, StackViewport, windowPresets, type PresetName } from "../viewport/stackViewport";
import { StudyProgress, subscribeActivity } from "./activity";
import { describeError, el } from "./dom";

/** Where the study view finds the archive. */
export interface StudyViewServices {
  client: DicomWebClient;
  /** Fetches a study the archive does not hold from the configured PACS. */
  pacs: PacsClient;
  renderRoot: string;
  activityUrl: string;
}

/** How the study view is framed: a review shows the case's label, maybe blinded, with the findings beside the images. */
export interface StudyViewOptions {
  /** The header's back link text (default "‹ Worklist") and its test id. */
  backLabel?: string;
  backTestId?: string;
  /** The header's title instead of the patient, date and description. */
  title?: string;
  /** No dates or descriptions anywhere (a blinded reading set). */
  blinded?: boolean;
  /** A panel right of the images (the findings of a review). */
  aside?: HTMLElement;
  /** Whether a study the archive does not hold is asked of the PACS (default true; not in a review). */
  retrieveMissing?: boolean;
}

const presetKeys: Record<string, PresetName> = { "1": "ct-soft", "2": "ct-lung", "3": "ct-bone", "4": "ct-brain" };

/**
 * The study view (`/viewer?StudyInstanceUID=…[&SeriesInstanceUID=…]`): the series strip, the stack viewport of the
 * selected series with its tools, the four-up layout (MPR and 3D from the render service), and the study's readiness.
 * A study the archive does not hold is retrieved from the configured PACS (`POST /api/retrievals`), its progress shown,
 * and opened as it is indexed.
 */
export function showStudy(root: HTMLElement, services: StudyViewServices, study: string, initialSeries: string | undefined, back: () => void, options: StudyViewOptions = {}): () => void {
  const { client } = services;
  // The performance marks of the contract time this opening: the stack sets them again.
  performance.clearMarks("isocenter:first-image");
  performance.clearMarks("isocenter:series-loaded");
  const strip = el("nav", { class: "series-strip", "aria-label": "Series" });
  const main = el("div", { class: "view-area" });
  const title = el("div", { class: "study-title" });
  const banner = el("div", { class: "study-progress", "data-testid": "study-progress", role: "status", hidden: true });
  const retrievalBanner = el("div", { class: "retrieval-progress", "data-testid": "retrieval-progress", role: "status", hidden: true });
  const presetButtons = (Object.keys(windowPresets) as PresetName[]).map((name, i) =>
    el("button", { type: "button", "data-testid": `preset-${name}`, title: `${windowPresets[name].label} W ${windowPresets[name].width} L ${windowPresets[name].center} (key ${i + 1})`, onclick: () => applyPreset(name) }, windowPresets[name].label),
  );
  const resetButton = el("button", { type: "button", "data-testid": "reset", title: "Reset zoom, pan and window (R)", onclick: () => reset() }, "Reset");
  const cineButton = el("button", { type: "button", "data-testid": "cine", title: "Play the stack at 20 frames/s (C)", "aria-pressed": "false", onclick: () => stack?.toggleCine() }, "Cine");
  const oneUp = el("button", { type: "button", "data-testid": "layout-1up", title: "Stack (V toggles)", "aria-pressed": "true", onclick: () => setLayout("1up") }, "Stack");
  const fourUp = el("button", { type: "button", "data-testid": "layout-4up", title: "MPR + 3D (V toggles)", "aria-pressed": "false", onclick: () => setLayout("4up") }, "MPR + 3D");
  const tools = el("div", { class: "tools" }, ...presetButtons, resetButton, cineButton, el("span", { class: "gap" }), oneUp, fourUp);
  root.replaceChildren(
    el("header", { class: "bar" }, el("a", { href: "/", class: "back", "data-testid": options.backTestId, onclick: (e: Event) => { e.preventDefault(); back(); } }, options.backLabel ?? "‹ Worklist"), title, tools),
    retrievalBanner,
    banner,
    el("div", { class: "study-body" }, strip, main, options.aside),
  );

  let studyInfo: DicomJsonDataset = {};
  let seriesList: DicomJsonDataset[] = [];
  let selected = initialSeries;
  let stack: StackViewport | undefined;
  let four: FourUp | undefined;
  let layout: "1up" | "4up" = "1up";
  let metadataRequest: AbortController | undefined;
  const progress = new StudyProgress();
  const items = new Map<string, { item: HTMLElement; img: HTMLImageElement; count: HTMLElement }>();
  // On-demand retrieval: asked once, when the archive turns out not to hold the study; then followed until it is shown.
  let askedPacs = false;
  let retrieval: RetrievalWatch | undefined;
  let requery: number | undefined;
  let bannerTimer: number | undefined;
  let bannerDone = false;

  function setLayout(next: "1up" | "4up"): void {
    layout = next;
    oneUp.setAttribute("aria-pressed", String(next === "1up"));
    fourUp.setAttribute("aria-pressed", String(next === "4up"));
    cineButton.disabled = next === "4up";
    four?.destroy();
    four = undefined;
    if (next === "4up" && selected) {
      if (stack?.cineRunning) stack.toggleCine();
      four = new FourUp(services.renderRoot, study, selected, stack?.window);
      main.replaceChildren(four.element);
    } else if (stack) {
      main.replaceChildren(stack.element);
      stack.element.focus();
    }
  }

  function syncTools(): void {
    if (!stack) return;
    cineButton.setAttribute("aria-pressed", String(stack.cineRunning));
  }

  async function loadSeries(series: string): Promise<void> {
    metadataRequest?.abort();
    const controller = new AbortController();
    metadataRequest = controller;
    const seriesInfo = seriesList.find((s) => stringValue(s, Tag.SeriesInstanceUID) === series) ?? {};
    if (stack?.series !== series) {
      stack?.destroy();
      stack = new StackViewport(client, study, series, studyInfo);
      stack.onChange = syncTools;
      if (layout === "1up") main.replaceChildren(stack.element);
    }
    try {
      const metadata = await client.retrieveSeriesMetadata(study, series, { signal: controller.signal });
      if (controller.signal.aborted || stack.series !== series) return;
      stack.setSlices(slicesOf(metadata), seriesInfo);
      if (layout === "1up") stack.element.focus();
    } catch (error) {
      if (controller.signal.aborted) return;
      stack.showMessage("error", `The series could not be loaded: ${describeError(error)}`);
    } finally {
      if (metadataRequest === controller) metadataRequest = undefined;
    }
  }

  function selectSeries(series: string): void {
    if (series !== selected) delete fourUp.dataset["volume"];
    selected = series;
    for (const [uid, { item }] of items) item.setAttribute("aria-current", String(uid === series));
    const url = new URL(location.href);
    url.searchParams.set("SeriesInstanceUID", series);
    history.replaceState(null, "", url);
    void loadSeries(series);
    if (layout === "4up") setLayout("4up");
  }

  function stripItem(series: DicomJsonDataset): HTMLElement {
    const uid = stringValue(series, Tag.SeriesInstanceUID) ?? "";
    const existing = items.get(uid);
    const count = String(numberValue(series, Tag.NumberOfSeriesRelatedInstances) ?? "");
    if (existing) {
      existing.count.textContent = count;
      return existing.item;
    }
    const img = el("img", { src: client.seriesThumbnailUrl(study, uid), alt: "", loading: "lazy", onerror: (e: Event) => ((e.target as HTMLImageElement).style.visibility = "hidden") });
    const countEl = el("span", { class: "count" }, count);
    const item = el(
      "button",
      { type: "button", class: "series-item", "data-testid": "series-item", "data-series-uid": uid, "aria-current": String(uid === selected), onclick: () => selectSeries(uid) },
      img,
      el("span", { class: "series-text" },
        el("span", { class: "modality" }, stringValue(series, Tag.Modality) ?? ""),
        " ",
        countEl,
        el("br"),
        el("span", { class: "description" }, stringValue(series, Tag.SeriesDescription) || `Series ${stringValue(series, Tag.SeriesNumber) ?? ""}`),
      ),
    );
    items.set(uid, { item, img, count: countEl });
    return item;
  }

  function showMessage(text: string): void {
    main.replaceChildren(el("div", { class: "message", "data-testid": "message", "data-state": "error" }, text));
  }

  /** Shows "waiting" in the view area while the study has no series (yet). */
  function showWaiting(text: string): void {
    stack ??= new StackViewport(client, study, "", studyInfo);
    stack.showMessage("waiting", text);
    main.replaceChildren(stack.element);
  }

  async function loadStudy(): Promise<void> {
    try {
      const [studies, series] = await Promise.all([
        client.searchForStudies(`StudyInstanceUID=${study}&includefield=StudyDescription`),
        client.searchForSeries(study, "includefield=SeriesDescription,NumberOfSeriesRelatedInstances"),
      ]);
      const shown = options.blinded ? blind : (d: DicomJsonDataset) => d;
      studyInfo = shown(studies.matches[0] ?? {});
      seriesList = series.matches.map(shown).sort((a, b) => (numberValue(a, Tag.SeriesNumber) ?? 0) - (numberValue(b, Tag.SeriesNumber) ?? 0));
      for (const s of seriesList) progress.seedIndexed(stringValue(s, Tag.SeriesInstanceUID) ?? "", numberValue(s, Tag.NumberOfSeriesRelatedInstances) ?? 0);
      showProgress();
      const name = formatPersonName(stringValue(studyInfo, Tag.PatientName));
      title.textContent = options.title ?? [name, formatDate(stringValue(studyInfo, Tag.StudyDate)), stringValue(studyInfo, Tag.StudyDescription)].filter(Boolean).join(" · ");
      const heading = options.title ?? name;
      document.title = heading ? `${heading} – Isocenter` : "Isocenter";
      strip.replaceChildren(...seriesList.map(stripItem));
      if (seriesList.length === 0) {
        if (studies.matches.length === 0 && options.retrieveMissing === false) showMessage("This study is not available.");
        else if (studies.matches.length === 0 && !askedPacs) void fetchFromPacs();
        else if (!retrieval) showWaiting("Waiting for images…");
        else if (!finished(retrieval.retrieval.state)) showWaiting(`Retrieving the study from PACS ${retrieval.retrieval.node}…`);
        return;
      }
      const known = seriesList.some((s) => stringValue(s, Tag.SeriesInstanceUID) === selected);
      if (!selected || !known) selected = stringValue(seriesList[0]!, Tag.SeriesInstanceUID);
      if (stack?.series !== selected) selectSeries(selected!);
    } catch (error) {
      showMessage(`The study could not be opened: ${describeError(error)}`);
    }
  }

  /** Asks the PACS service to retrieve the study (from whichever configured node has it), and follows the retrieval. */
  async function fetchFromPacs(): Promise<void> {
    askedPacs = true;
    showWaiting("Looking for the study in the configured PACS…");
    try {
      const started = await services.pacs.startRetrieval({ studyInstanceUid: study });
      retrieval = new RetrievalWatch(services.pacs, started, showRetrieval);
      scheduleRequery();
    } catch (error) {
      // 404: no configured PACS has it; the server's detail says which were asked.
      showMessage(error instanceof HttpError && error.status === 404 && error.detail ? error.detail : `The study is not in Isocenter and could not be retrieved: ${describeError(error)}`);
    }
  }

  /** The instances the page shows, over the series of the study. */
  const shownInstances = (): number => seriesList.reduce((n, s) => n + (numberValue(s, Tag.NumberOfSeriesRelatedInstances) ?? 0), 0);

  function showRetrieval(r: Retrieval): void {
    retrievalBanner.textContent = describeRetrieval(r);
    retrievalBanner.dataset["state"] = r.state;
    retrievalBanner.hidden = bannerDone;
    // A completed retrieval's banner goes a few seconds after the index holds what it brought (the study-progress banner
    // tells the rest); a partial or failed one stays.
    const settled = r.state === "completed" && seriesList.length > 0 && shownInstances() >= retrievalCounts(r).done;
    if (settled) {
      bannerTimer ??= window.setTimeout(() => {
        bannerDone = true;
        retrievalBanner.hidden = true;
      }, 4000);
    }
    if (r.state === "failed" && seriesList.length === 0) showMessage(`The study could not be retrieved from PACS ${r.node}: ${r.error ?? "no reason given"}`);
    else if (seriesList.length === 0 && !finished(r.state)) showWaiting(`Retrieving the study from PACS ${r.node}…`);
  }

  /**
   * While a retrieval runs (and until the index holds what it brought), the study is searched again every 1.5 s, besides
   * the feed's `indexed` events: the study opens as soon as its first series is indexed, and the stack grows.
   */
  function scheduleRequery(): void {
    requery = window.setTimeout(async () => {
      if (!retrieval) return;
      await loadStudy();
      if (!retrieval) return; // the page was left meanwhile
      if (selected && behind(selected)) void loadSeries(selected);
      const r = retrieval.retrieval;
      showRetrieval(r);
      if (!finished(r.state) || (r.state !== "failed" && shownInstances() < retrievalCounts(r).done)) scheduleRequery();
    }, 1500);
  }

  function showProgress(): void {
    banner.hidden = !progress.arriving;
    banner.textContent = progress.describe();
  }

  let refresh: number | undefined;
  const changed = new Set<string>();
  let deleted = false;
  // Whether the index holds instances of a series that this page does not show yet.
  const behind = (series: string): boolean => {
    const shown = seriesList.find((s) => stringValue(s, Tag.SeriesInstanceUID) === series);
    const count = progress.indexedOf(series);
    // (A series whose metadata is on its way is not behind: the answer will hold what is indexed by then.)
    const stackBehind = selected === series && metadataRequest === undefined && stack?.sliceCount !== count;
    return !shown || numberValue(shown, Tag.NumberOfSeriesRelatedInstances) !== count || stackBehind;
  };
  const unsubscribe = subscribeActivity(services.activityUrl, study, (name, data) => {
    if (data.study !== study) return;
    if (retrieval) showRetrieval(retrieval.retrieval);
    progress.apply(name, data);
    showProgress();
    if (name === "volume" && data.series === selected) {
      // The render service holds the series' volume: MPR and 3D open without loading it first.
      fourUp.dataset["volume"] = "ready";
      fourUp.title = "MPR + 3D: the volume is loaded (V toggles)";
    } else if (name === "thumbnail") {
      const img = items.get(data.series)?.img;
      if (img) {
        img.style.visibility = "";
        img.src = `${client.seriesThumbnailUrl(study, data.series)}?t=${Date.now()}`;
      }
    } else if (name === "indexed" || name === "stable" || name === "deleted") {
      if (name === "deleted") deleted = true;
      changed.add(data.series);
      // At most one reload per half second while events stream in (a debounce would starve during a long arrival).
      refresh ??= window.setTimeout(() => {
        refresh = undefined;
        const reload = [...changed].filter((series) => deleted || behind(series));
        changed.clear();
        deleted = false;
        if (reload.length === 0) return; // e.g. a replayed count of a complete series
        void loadStudy();
        if (selected && reload.includes(selected)) void loadSeries(selected);
      }, 500);
    }
  }, (r) => retrieval?.apply(r));

  // The window presets and Reset act on the layout shown: the stack, or the three MPR views together.
  function applyPreset(name: PresetName): void {
    if (layout === "4up") four?.setWindow(windowPresets[name]);
    else stack?.applyPreset(name);
  }

  function reset(): void {
    if (layout === "4up") four?.setWindow();
    else stack?.reset();
  }

  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "v" || e.key === "V") {
      setLayout(layout === "1up" ? "4up" : "1up");
      return;
    }
    if (e.key === "Escape") {
      back();
      return;
    }
    const steps: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
    const inStack = layout === "1up" && stack ? stack : undefined;
    if (e.key in presetKeys) applyPreset(presetKeys[e.key]!);
    else if (e.key === "r" || e.key === "R") reset();
    else if (!inStack) return;
    else if (e.key in steps) inStack.scrollBy(steps[e.key]!);
    else if (e.key === "Home") inStack.scrollTo(0);
    else if (e.key === "End") inStack.scrollTo(inStack.sliceCount - 1);
    else if (e.key === "c" || e.key === "C") inStack.toggleCine();
    else return;
    e.preventDefault();
  };
  document.addEventListener("keydown", onKey);
  void loadStudy();

  return () => {
    document.removeEventListener("keydown", onKey);
    unsubscribe();
    clearTimeout(refresh);
    clearTimeout(requery);
    clearTimeout(bannerTimer);
    retrieval?.stop();
    retrieval = undefined;
    metadataRequest?.abort();
    stack?.destroy();
    four?.destroy();
  };
}
