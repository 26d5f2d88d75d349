import type { DicomWebClient } from "../dicomweb/client";
import { formatDate, formatPersonName, numberValue, stringValue, stringValues, Tag, type DicomJsonDataset } from "../dicomweb/dicomJson";
import { studyQueries, type WorklistSearch } from "../dicomweb/qido";
import { StudyProgress, subscribeActivity } from "./activity";
import { describeError, el } from "./dom";

const pageSize = 25;
const modalities = ["", "CT", "MR", "CR", "DX", "US", "PT", "NM", "MG", "XA", "OT"];

/** The worklist (`/`): a search over the archive's studies, one row per study, opened with Enter or a click. */
export function showWorklist(root: HTMLElement, client: DicomWebClient, activityUrl: string, open: (study: string) => void): () => void {
  const search = el("input", { type: "search", "data-testid": "search", placeholder: "Name, patient ID or accession  ( / )", "aria-label": "Search by patient name, patient ID or accession number", autocomplete: "off" });
  const dateFrom = el("input", { type: "date", "data-testid": "date-from", "aria-label": "Study date from" });
  const dateTo = el("input", { type: "date", "data-testid": "date-to", "aria-label": "Study date to" });
  const modality = el("select", { "data-testid": "modality", "aria-label": "Modality" }, ...modalities.map((m) => el("option", { value: m }, m || "Any modality")));
  const prev = el("button", { type: "button", "data-testid": "prev-page" }, "‹ Previous");
  const next = el("button", { type: "button", "data-testid": "next-page" }, "Next ›");
  const pageLabel = el("span", { class: "page-label" });
  const status = el("div", { class: "status", role: "status" });
  const body = el("tbody");
  const table = el(
    "table",
    { class: "worklist" },
    el("thead", {}, el("tr", {}, ...["", "Patient", "Patient ID", "Date", "Modality", "Description", "Accession", "Series", "Images"].map((h) => el("th", {}, h)))),
    body,
  );
  root.replaceChildren(
    el("header", { class: "bar" }, el("h1", {}, "Isocenter"), el("form", { class: "search", role: "search", onsubmit: (e: Event) => e.preventDefault() }, search, dateFrom, dateTo, modality)),
    el("main", { class: "worklist-page" }, table, status, el("nav", { class: "pager" }, prev, pageLabel, next)),
  );

  let offset = 0;
  let more = false;
  let selected = 0;
  let rows: HTMLTableRowElement[] = [];
  let shown = new Set<string>();
  const progress = new Map<string, StudyProgress>();
  let request: AbortController | undefined;

  const current = (): WorklistSearch => ({ text: search.value, dateFrom: dateFrom.value, dateTo: dateTo.value, modality: modality.value });

  function select(i: number, scroll = true): void {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, j) => r.setAttribute("aria-selected", String(j === selected)));
    if (scroll) rows[selected]!.scrollIntoView({ block: "nearest" });
  }

  function row(study: DicomJsonDataset): HTMLTableRowElement {
    const uid = stringValue(study, Tag.StudyInstanceUID) ?? "";
    const name = formatPersonName(stringValue(study, Tag.PatientName));
    const statusCell = el("div", { class: "study-cell-status" });
    const tr = el(
      "tr",
      { "data-testid": "study-row", "data-study-uid": uid, tabindex: -1, onclick: () => open(uid) },
      el("td", { class: "thumb" }, el("img", { src: client.studyThumbnailUrl(uid), loading: "lazy", alt: "", width: 48, height: 48, onerror: (e: Event) => ((e.target as HTMLImageElement).style.visibility = "hidden") })),
      el("td", { class: "name" }, name || "(no name)", statusCell),
      el("td", {}, stringValue(study, Tag.PatientID) ?? ""),
      el("td", { class: "nowrap" }, formatDate(stringValue(study, Tag.StudyDate))),
      el("td", {}, stringValues(study, Tag.ModalitiesInStudy).join(", ")),
      el("td", {}, stringValue(study, Tag.StudyDescription) ?? ""),
      el("td", {}, stringValue(study, Tag.AccessionNumber) ?? ""),
      el("td", { class: "num" }, String(numberValue(study, Tag.NumberOfStudyRelatedSeries) ?? "")),
      el("td", { class: "num" }, String(numberValue(study, Tag.NumberOfStudyRelatedInstances) ?? "")),
    );
    return tr;
  }

  function showStatus(uid: string): void {
    const p = progress.get(uid);
    const tr = rows.find((r) => r.dataset["studyUid"] === uid);
    const cell = tr?.querySelector(".study-cell-status");
    if (!p || !cell) return;
    cell.replaceChildren(p.arriving ? el("span", { class: "study-status", "data-testid": "study-status" }, p.describe().replace("received", "receiving")) : "");
  }

  async function load(): Promise<void> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    status.textContent = "Searching…";
    try {
      const pages = await Promise.all(studyQueries(current(), pageSize, offset).map((q) => client.searchForStudies(q, { signal: controller.signal })));
      const byUid = new Map<string, DicomJsonDataset>();
      for (const page of pages) for (const s of page.matches) byUid.set(stringValue(s, Tag.StudyInstanceUID) ?? "", s);
      const studies = [...byUid.values()].sort((a, b) => (stringValue(b, Tag.StudyDate) ?? "").localeCompare(stringValue(a, Tag.StudyDate) ?? ""));
      more = pages.some((p) => p.more);
      rows = studies.map(row);
      shown = new Set(byUid.keys());
      body.replaceChildren(...rows);
      for (const uid of shown) showStatus(uid);
      status.textContent = studies.length ? "" : offset > 0 ? "No more studies." : "No study matches.";
      select(Math.min(selected, rows.length - 1), false);
    } catch (error) {
      if (controller.signal.aborted) return;
      body.replaceChildren();
      rows = [];
      status.textContent = `The search failed: ${describeError(error)}`;
    }
    prev.disabled = offset === 0;
    next.disabled = !more;
    pageLabel.textContent = rows.length ? `${offset + 1}–${offset + rows.length}` : "";
  }

  let typing: number | undefined;
  const restart = () => {
    offset = 0;
    selected = 0;
    clearTimeout(typing);
    typing = window.setTimeout(() => void load(), 250);
  };
  search.addEventListener("input", restart);
  for (const input of [dateFrom, dateTo, modality]) input.addEventListener("change", restart);
  prev.addEventListener("click", () => {
    offset = Math.max(0, offset - pageSize);
    selected = 0;
    void load();
  });
  next.addEventListener("click", () => {
    offset += pageSize;
    selected = 0;
    void load();
  });

  const onKey = (e: KeyboardEvent) => {
    const inField = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
    // Arrows change dates and modalities in their own fields.
    if (e.target instanceof HTMLSelectElement || (e.target instanceof HTMLInputElement && e.target.type === "date")) return;
    if (e.key === "/" && !inField) {
      e.preventDefault();
      search.focus();
      search.select();
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      select(selected + 1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      select(selected - 1);
    } else if (e.key === "Enter" && rows[selected] && !(e.target instanceof HTMLSelectElement)) {
      e.preventDefault();
      open(rows[selected]!.dataset["studyUid"]!);
    }
  };
  document.addEventListener("keydown", onKey);

  // New studies appear as they are indexed; rows of studies still arriving say how far they are.
  let refresh: number | undefined;
  const unsubscribe = subscribeActivity(activityUrl, undefined, (name, data) => {
    let p = progress.get(data.study);
    if (!p) progress.set(data.study, (p = new StudyProgress()));
    p.apply(name, data);
    // A new study, or a listed one whose counts and thumbnail are final now: reload, at most once a second.
    if ((name === "indexed" && !shown.has(data.study)) || (name === "stable" && shown.has(data.study))) {
      refresh ??= window.setTimeout(() => {
        refresh = undefined;
        void load();
      }, 1000);
    }
    showStatus(data.study);
  });

  void load();
  search.focus();
  return () => {
    document.removeEventListener("keydown", onKey);
    unsubscribe();
    request?.abort();
    clearTimeout(refresh);
    clearTimeout(typing);
  };
}
