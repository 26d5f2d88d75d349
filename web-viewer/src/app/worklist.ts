import type { DicomWebClient } from "../dicomweb/client";
import { formatDate, formatPersonName, numberValue, stringValue, stringValues, Tag, type DicomJsonDataset } from "../dicomweb/dicomJson";
import { studyQueries, type WorklistSearch } from "../dicomweb/qido";
import type { PacsClient, Retrieval } from "../pacs/client";
import type { ReviewClient } from "../review/client";
import { remoteStudyQueries } from "../pacs/query";
import { finished, retrievalStatus, RetrievalWatch } from "../pacs/retrieval";
import { StudyProgress, subscribeActivity } from "./activity";
import { describeError, el } from "./dom";
import { readingSetDialog } from "./readingSetForm";

const pageSize = 25;
/** The most matches asked of a remote node per query (C-FIND has no paging). */
const remoteLimit = 100;
const modalities = ["", "CT", "MR", "CR", "DX", "US", "PT", "NM", "MG", "XA", "OT"];

/** What the worklist talks to: the archive (DICOMweb), the PACS and review services and the activity feed. */
export interface WorklistServices {
  client: DicomWebClient;
  pacs: PacsClient;
  review: ReviewClient;
  activityUrl: string;
}

/** Where the worklist leads: a study (the study view), or another page of the viewer. */
export interface WorklistNavigation {
  open: (study: string) => void;
  go: (url: string) => void;
}

/** A row of a remote search: the parts that change as the study is retrieved and indexed. */
interface RemoteRow {
  tr: HTMLTableRowElement;
  thumb: HTMLImageElement;
  tag: HTMLElement;
  status: HTMLElement;
  retrieve: HTMLButtonElement;
  instances: number | undefined;
}

/**
 * The worklist (`/`): a search over the archive's studies, or (the source selector) over a query-enabled PACS node's;
 * one row per study, opened with Enter or a click; remote rows are retrieved with their button, and open once the
 * archive holds them. Local rows have a checkbox: the selected studies (kept across searches) make a reading set.
 */
export function showWorklist(root: HTMLElement, services: WorklistServices, nav: WorklistNavigation): () => void {
  const { client, pacs } = services;
  const open = nav.open;
  const search = el("input", { type: "search", "data-testid": "search", placeholder: "Name, patient ID or accession  ( / )", "aria-label": "Search by patient name, patient ID or accession number", autocomplete: "off" });
  const dateFrom = el("input", { type: "date", "data-testid": "date-from", "aria-label": "Study date from" });
  const dateTo = el("input", { type: "date", "data-testid": "date-to", "aria-label": "Study date to" });
  const modality = el("select", { "data-testid": "modality", "aria-label": "Modality" }, ...modalities.map((m) => el("option", { value: m }, m || "Any modality")));
  const source = el("select", { "data-testid": "source", "aria-label": "Search in", title: "Search in Isocenter or in a PACS" }, el("option", { value: "" }, "Isocenter"));
  const prev = el("button", { type: "button", "data-testid": "prev-page" }, "‹ Previous");
  const next = el("button", { type: "button", "data-testid": "next-page" }, "Next ›");
  const pageLabel = el("span", { class: "page-label" });
  const status = el("div", { class: "status", role: "status" });
  const body = el("tbody");
  const table = el(
    "table",
    { class: "worklist" },
    el("thead", {}, el("tr", {}, ...["", "", "Patient", "Patient ID", "Date", "Modality", "Description", "Accession", "Series", "Images", ""].map((h) => el("th", {}, h)))),
    body,
  );
  const link = (href: string, testid: string, text: string) => el("a", { href, class: "nav", "data-testid": testid, onclick: (e: Event) => { e.preventDefault(); nav.go(href); } }, text);
  // The studies chosen for a reading set, by UID: the selection outlives a new search.
  const chosen = new Set<string>();
  const createSet = el("button", { type: "button", "data-testid": "create-reading-set", disabled: true, title: "De-identified copies of the selected studies, for reviewers" }, "New reading set");
  const showChosen = () => {
    createSet.disabled = chosen.size === 0;
    createSet.textContent = chosen.size ? `New reading set (${chosen.size})` : "New reading set";
  };
  createSet.addEventListener("click", () => {
    const dialog = readingSetDialog(services.review, [...chosen], (set) => nav.go(`/reading-sets/${encodeURIComponent(set.id)}`));
    root.append(dialog);
    dialog.showModal();
  });
  root.replaceChildren(
    el("header", { class: "bar" }, el("h1", {}, "Isocenter"), el("form", { class: "search", role: "search", onsubmit: (e: Event) => e.preventDefault() }, source, search, dateFrom, dateTo, modality), createSet, el("span", { class: "nav-links" }, link("/reading-sets", "nav-reading-sets", "Reading sets"), link("/admin/nodes", "nav-nodes", "DICOM nodes"))),
    el("main", { class: "worklist-page" }, table, status, el("nav", { class: "pager" }, prev, pageLabel, next)),
  );

  let offset = 0;
  let more = false;
  let selected = 0;
  let rows: HTMLTableRowElement[] = [];
  let shown = new Set<string>();
  const progress = new Map<string, StudyProgress>();
  let remoteRows = new Map<string, RemoteRow>();
  // The retrievals this page follows, by study: they outlive a new search.
  const watches = new Map<string, RetrievalWatch>();
  let request: AbortController | undefined;

  // A click is a press and a release on the same row: a reload replacing the rows in between would swallow it (a study
  // arriving reloads the list), so new rows wait until the button is up and its click has been handled.
  let held: Promise<void> | undefined;
  body.addEventListener("pointerdown", () => {
    held ??= new Promise((resolve) => {
      const released = () => {
        window.removeEventListener("pointerup", released, true);
        window.removeEventListener("pointercancel", released, true);
        // (After the click, which the same release dispatches: a task later, not a microtask.)
        window.setTimeout(() => {
          held = undefined;
          resolve();
        });
      };
      window.addEventListener("pointerup", released, true);
      window.addEventListener("pointercancel", released, true);
    });
  });

  const current = (): WorklistSearch => ({ text: search.value, dateFrom: dateFrom.value, dateTo: dateTo.value, modality: modality.value });

  function select(i: number, scroll = true): void {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach((r, j) => r.setAttribute("aria-selected", String(j === selected)));
    if (scroll) rows[selected]!.scrollIntoView({ block: "nearest" });
  }

  function row(study: DicomJsonDataset, remote: boolean): HTMLTableRowElement {
    const uid = stringValue(study, Tag.StudyInstanceUID) ?? "";
    const name = formatPersonName(stringValue(study, Tag.PatientName));
    const statusCell = el("div", { class: "study-cell-status" });
    const hide = (e: Event) => ((e.target as HTMLImageElement).style.visibility = "hidden");
    // A remote study has no thumbnail until the archive holds it.
    const thumb = el("img", { src: remote ? undefined : client.studyThumbnailUrl(uid), loading: "lazy", alt: "", width: 48, height: 48, onerror: hide });
    if (remote) thumb.style.visibility = "hidden";
    const tag = el("span", { class: "source-tag" }, remote ? source.value : "");
    tag.hidden = !remote;
    const actions = el("td", { class: "actions" });
    const instances = numberValue(study, Tag.NumberOfStudyRelatedInstances);
    const choose = remote
      ? null
      : el("input", { type: "checkbox", "data-testid": "study-select", "aria-label": `Select ${name || uid} for a reading set`, checked: chosen.has(uid), onclick: (e: Event) => e.stopPropagation() });
    choose?.addEventListener("change", () => {
      if (choose.checked) chosen.add(uid);
      else chosen.delete(uid);
      showChosen();
    });
    const tr = el(
      "tr",
      { "data-testid": "study-row", "data-study-uid": uid, "data-remote": remote ? "true" : undefined, tabindex: -1, onclick: () => openRow(uid) },
      el("td", { class: "select" }, choose),
      el("td", { class: "thumb" }, thumb),
      el("td", { class: "name" }, name || "(no name)", tag, statusCell),
      el("td", {}, stringValue(study, Tag.PatientID) ?? ""),
      el("td", { class: "nowrap" }, formatDate(stringValue(study, Tag.StudyDate))),
      el("td", {}, stringValues(study, Tag.ModalitiesInStudy).join(", ")),
      el("td", {}, stringValue(study, Tag.StudyDescription) ?? ""),
      el("td", {}, stringValue(study, Tag.AccessionNumber) ?? ""),
      el("td", { class: "num" }, String(numberValue(study, Tag.NumberOfStudyRelatedSeries) ?? "")),
      el("td", { class: "num" }, String(instances ?? "")),
      actions,
    );
    if (remote) {
      const retrieve = el("button", { type: "button", "data-testid": "retrieve", title: `Retrieve the study from ${source.value} into Isocenter` }, "Retrieve");
      retrieve.addEventListener("click", (e) => {
        e.stopPropagation();
        void startRetrieval(uid);
      });
      actions.append(retrieve);
      const retrievalStatusEl = el("span", { class: "retrieval-status", "data-testid": "retrieval-status", hidden: true });
      statusCell.append(retrievalStatusEl);
      remoteRows.set(uid, { tr, thumb, tag, status: retrievalStatusEl, retrieve, instances });
      const watch = watches.get(uid);
      if (watch) showRetrieval(uid, watch.retrieval);
    }
    return tr;
  }

  /** Opens a study the archive holds; a remote row opens once its study is in Isocenter. */
  function openRow(uid: string): void {
    const remote = remoteRows.get(uid);
    if (!remote || remote.tr.dataset["local"] === "true") open(uid);
  }

  /** Marks a remote row's study as held by the archive (with how many instances): it opens, and shows its thumbnail. */
  function markLocal(uid: string, instances: number): void {
    const r = remoteRows.get(uid);
    if (!r) return;
    r.tr.dataset["local"] = "true";
    r.thumb.style.visibility = "";
    r.thumb.src = client.studyThumbnailUrl(uid);
    const complete = r.instances === undefined || instances >= r.instances;
    r.tag.textContent = complete ? "in Isocenter" : `in Isocenter: ${instances} of ${r.instances}`;
    r.tag.title = `Isocenter holds ${instances} instances of this study`;
    const unfinished = watches.has(uid) && !finished(watches.get(uid)!.retrieval.state);
    r.retrieve.hidden = complete || unfinished;
  }

  /** Asks the archive which of these studies it holds, and marks their rows. */
  async function checkLocal(uids: string[]): Promise<void> {
    if (uids.length === 0) return;
    try {
      const page = await client.searchForStudies(`StudyInstanceUID=${uids.join(",")}&includefield=NumberOfStudyRelatedInstances&limit=${uids.length}`);
      for (const s of page.matches) markLocal(stringValue(s, Tag.StudyInstanceUID) ?? "", numberValue(s, Tag.NumberOfStudyRelatedInstances) ?? 0);
    } catch {
      // The rows stay as they were: not known to be in Isocenter.
    }
  }

  function showRetrieval(uid: string, r: Retrieval): void {
    const row = remoteRows.get(uid);
    if (!row) return;
    row.status.hidden = false;
    row.status.textContent = retrievalStatus(r);
    row.status.dataset["state"] = r.state;
    row.retrieve.hidden = !finished(r.state) || (r.state === "completed" && row.tr.dataset["local"] === "true");
    row.retrieve.textContent = r.state === "failed" || r.state === "partial" ? "Retry" : "Retrieve";
    if (r.state === "completed" || r.state === "partial") void checkLocal([uid]);
  }

  function watch(r: Retrieval): void {
    const uid = r.studyInstanceUid;
    watches.get(uid)?.stop();
    watches.set(uid, new RetrievalWatch(pacs, r, (snapshot) => showRetrieval(uid, snapshot)));
  }

  async function startRetrieval(uid: string): Promise<void> {
    const row = remoteRows.get(uid);
    if (!row) return;
    row.retrieve.hidden = true;
    row.status.hidden = false;
    row.status.textContent = "starting…";
    delete row.status.dataset["state"];
    try {
      watch(await pacs.startRetrieval({ studyInstanceUid: uid, node: source.value }));
    } catch (error) {
      row.status.textContent = `failed: ${describeError(error)}`;
      row.status.dataset["state"] = "failed";
      row.retrieve.hidden = false;
    }
  }

  function showStatus(uid: string): void {
    const p = progress.get(uid);
    const tr = rows.find((r) => r.dataset["studyUid"] === uid);
    const cell = tr?.querySelector(".study-cell-status");
    if (!p || !cell) return;
    cell.replaceChildren(p.arriving ? el("span", { class: "study-status", "data-testid": "study-status" }, p.describe().replace("received", "receiving")) : "");
  }

  /** The studies of the search, local or at the source node, merged by Study Instance UID, newest first; and whether more exist. */
  async function searchStudies(signal: AbortSignal): Promise<{ studies: DicomJsonDataset[]; more: boolean }> {
    const node = source.value;
    const pages = node
      ? (await Promise.all(remoteStudyQueries(current(), remoteLimit).map((q) => pacs.searchStudies(node, q, { signal })))).map((matches) => ({ matches, more: false }))
      : await Promise.all(studyQueries(current(), pageSize, offset).map((q) => client.searchForStudies(q, { signal })));
    const byUid = new Map<string, DicomJsonDataset>();
    for (const page of pages) for (const s of page.matches) byUid.set(stringValue(s, Tag.StudyInstanceUID) ?? "", s);
    const studies = [...byUid.values()].sort((a, b) => (stringValue(b, Tag.StudyDate) ?? "").localeCompare(stringValue(a, Tag.StudyDate) ?? ""));
    return { studies, more: pages.some((p) => p.more) };
  }

  async function load(): Promise<void> {
    request?.abort();
    const controller = new AbortController();
    request = controller;
    const remote = source.value !== "";
    const filters = current();
    if (remote && !filters.text.trim() && !filters.dateFrom && !filters.dateTo) {
      // An open C-FIND asks a hospital PACS for every study it holds.
      body.replaceChildren();
      rows = [];
      remoteRows = new Map();
      status.textContent = `Type a name, patient ID or accession number, or choose dates, to search ${source.value}.`;
      prev.disabled = next.disabled = true;
      pageLabel.textContent = "";
      return;
    }
    status.textContent = remote ? `Searching ${source.value}…` : "Searching…";
    try {
      const found = await searchStudies(controller.signal);
      if (held) await held;
      if (controller.signal.aborted) return;
      more = found.more;
      remoteRows = new Map();
      rows = found.studies.map((s) => row(s, remote));
      shown = new Set(rows.map((r) => r.dataset["studyUid"]!));
      body.replaceChildren(...rows);
      if (!remote) for (const uid of shown) showStatus(uid);
      status.textContent = rows.length ? "" : offset > 0 ? "No more studies." : "No study matches.";
      select(Math.min(selected, rows.length - 1), false);
      if (remote) void checkLocal([...shown]);
    } catch (error) {
      if (controller.signal.aborted) return;
      body.replaceChildren();
      rows = [];
      remoteRows = new Map();
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
  for (const input of [dateFrom, dateTo, modality, source]) input.addEventListener("change", restart);
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
    if (document.querySelector("dialog[open]")) return;
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
      openRow(rows[selected]!.dataset["studyUid"]!);
    }
  };
  document.addEventListener("keydown", onKey);

  // New studies appear as they are indexed; rows of studies still arriving say how far they are. In a remote search, the
  // rows of studies being indexed are checked against the archive instead (at most once a second).
  let refresh: number | undefined;
  let localCheck: number | undefined;
  const indexedRemote = new Set<string>();
  const unsubscribe = subscribeActivity(
    services.activityUrl,
    undefined,
    (name, data) => {
      let p = progress.get(data.study);
      if (!p) progress.set(data.study, (p = new StudyProgress()));
      p.apply(name, data);
      if (remoteRows.size > 0 || source.value) {
        if ((name === "indexed" || name === "stable") && remoteRows.has(data.study)) {
          indexedRemote.add(data.study);
          localCheck ??= window.setTimeout(() => {
            localCheck = undefined;
            void checkLocal([...indexedRemote]);
            indexedRemote.clear();
          }, 1000);
        }
        return;
      }
      // A new study, or a listed one whose counts and thumbnail are final now: reload, at most once a second.
      if ((name === "indexed" && !shown.has(data.study)) || (name === "stable" && shown.has(data.study))) {
        refresh ??= window.setTimeout(() => {
          refresh = undefined;
          void load();
        }, 1000);
      }
      showStatus(data.study);
    },
    (r) => {
      // A retrieval of a listed remote study, started here or elsewhere (the feed replays unfinished ones on connect).
      const current = watches.get(r.studyInstanceUid);
      if (current?.retrieval.id === r.id) current.apply(r);
      else if (remoteRows.has(r.studyInstanceUid) && !finished(r.state)) watch(r);
    },
  );

  // The source selector lists the nodes that can be queried.
  const nodesRequest = new AbortController();
  pacs
    .nodes({ signal: nodesRequest.signal })
    .then((nodes) => {
      for (const n of nodes.filter((n) => n.query).sort((a, b) => a.name.localeCompare(b.name))) source.append(el("option", { value: n.name }, n.name));
    })
    .catch(() => {
      // Without the PACS service the worklist searches Isocenter only.
    });

  void load();
  search.focus();
  return () => {
    document.removeEventListener("keydown", onKey);
    unsubscribe();
    request?.abort();
    nodesRequest.abort();
    for (const w of watches.values()) w.stop();
    clearTimeout(refresh);
    clearTimeout(localCheck);
    clearTimeout(typing);
  };
}
