import type { DeidentificationProfile, ReadingSet, ReviewClient, SetStudy, ShareLink } from "../review/client";
import { describeCopy, describeHeldBack, describeSetProgress, describeSetState, preparing } from "../review/cases";
import { describeError, el } from "./dom";

/** Where the owner's pages lead. */
export interface SetNavigation {
  go: (url: string) => void;
}

const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "");
const backLink = (nav: SetNavigation, href: string, text: string) =>
  el("a", { href, class: "back", onclick: (e: Event) => { e.preventDefault(); nav.go(href); } }, text);

/** The owner's reading sets (`/reading-sets`): one row per set, newest first, opening its page. */
export function showReadingSets(root: HTMLElement, review: ReviewClient, nav: SetNavigation): () => void {
  document.title = "Reading sets – Isocenter";
  const body = el("tbody");
  const status = el("div", { class: "status", role: "status" }, "Loading…");
  root.replaceChildren(
    el("header", { class: "bar" }, backLink(nav, "/", "‹ Worklist"), el("h1", {}, "Reading sets")),
    el("main", { class: "sets-page" }, el("table", { class: "list" }, el("thead", {}, el("tr", {}, ...["Name", "State", "Progress", "Created"].map((h) => el("th", {}, h)))), body), status),
  );
  const request = new AbortController();
  review
    .readingSets({ signal: request.signal })
    .then((sets) => {
      sets.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      body.replaceChildren(
        ...sets.map((set) => {
          const href = `/reading-sets/${encodeURIComponent(set.id)}`;
          return el(
            "tr",
            { "data-testid": "reading-set-row", "data-set-id": set.id, "data-state": set.state, tabindex: 0, onclick: () => nav.go(href), onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === "Enter") nav.go(href); } },
            el("td", {}, el("a", { href, onclick: (e: Event) => e.preventDefault() }, set.name)),
            el("td", {}, el("span", { class: "state", "data-state": set.state }, describeSetState(set.state))),
            el("td", {}, describeSetProgress(set)),
            el("td", { class: "nowrap" }, when(set.createdAt)),
          );
        }),
      );
      status.textContent = sets.length ? "" : "No reading set yet: select studies in the worklist and choose \u201cNew reading set\u201d.";
    })
    .catch((error: unknown) => {
      if (!request.signal.aborted) status.textContent = `The reading sets could not be loaded: ${describeError(error)}`;
    });
  return () => request.abort();
}

/** The de-identification options in words. */
function describeProfile(p: DeidentificationProfile): string {
  const kept = [p.retainModifiedDates && "dates (shifted)", p.retainPatientCharacteristics && "patient characteristics", p.retainDeviceIdentity && "device", p.retainInstitutionIdentity && "institution", p.retainDescriptors && "descriptions"].filter(Boolean);
  return kept.length ? `Basic profile, keeping ${kept.join(", ")}` : "Basic profile";
}

function studyRow(s: SetStudy): HTMLElement {
  return el(
    "tr",
    { "data-testid": "set-study-row", "data-state": s.state, "data-study-uid": s.studyInstanceUid ?? undefined },
    el("td", {}, s.label),
    el("td", {}, el("span", { class: "state", "data-state": s.state }, describeCopy(s)), ...s.heldBack.map((h) => el("div", { class: "held-back", "data-testid": "held-back" }, describeHeldBack(h)))),
    el("td", { class: "mono small" }, s.originalStudyInstanceUid),
    el("td", { class: "mono small" }, s.studyInstanceUid ?? "—"),
  );
}

/**
 * A reading set's page (`/reading-sets/{id}`): the copy job's progress (polled every second while it prepares), its
 * studies with held-back series, share links (create, copy, revoke), the exports (CSV, DICOM SR) and the pseudonym
 * mapping.
 */
export function showReadingSet(root: HTMLElement, review: ReviewClient, setId: string, nav: SetNavigation): () => void {
  const title = el("h1", {}, "Reading set");
  const summary = el("div", { class: "set-summary" });
  const progress = el("div", { class: "set-progress", "data-testid": "set-progress", role: "status" });
  const studies = el("tbody");
  const status = el("div", { class: "status", role: "status" });
  // Share links
  const links = el("tbody");
  const label = el("input", { "data-testid": "share-label", placeholder: "For whom, e.g. Dr. Weber", "aria-label": "Link label", autocomplete: "off" });
  const expiry = el("input", { "data-testid": "share-expiry", type: "number", min: 1, max: 2160, value: 168, "aria-label": "Valid for (hours)" });
  const scope = el("select", { "data-testid": "share-study", "aria-label": "What the link shows" }, el("option", { value: "" }, "All studies"));
  const shareError = el("div", { class: "form-error", "data-testid": "share-error", role: "alert", hidden: true });
  const shareCreate = el("button", { type: "submit", "data-testid": "share-create" }, "Create link");
  // Exports and mapping
  const csv = el("a", { class: "button", "data-testid": "export-csv", href: review.findingsCsvUrl(setId), download: "" }, "Findings CSV");
  const sr = el("button", { type: "button", "data-testid": "export-sr", title: "Stores one DICOM Basic Text SR per complete finding in its de-identified study" }, "Store findings as DICOM SR");
  const srResult = el("span", { class: "muted", "data-testid": "export-sr-result", role: "status" });
  const showMapping = el("button", { type: "button", "data-testid": "show-mapping" }, "Show pseudonyms");
  const mapping = el("div", { class: "mapping" });
  const remove = el("button", { type: "button", class: "danger", "data-testid": "set-delete" }, "Delete set");
  const section = (heading: string, ...children: Node[]) => el("section", {}, el("h2", {}, heading), ...children);
  root.replaceChildren(
    el("header", { class: "bar" }, backLink(nav, "/reading-sets", "‹ Reading sets"), title),
    el(
      "main",
      { class: "sets-page" },
      status,
      summary,
      progress,
      el("table", { class: "list" }, el("thead", {}, el("tr", {}, ...["Case", "Copy", "Original study", "De-identified study"].map((h) => el("th", {}, h)))), studies),
      section(
        "Share links",
        el("form", { class: "inline-form", onsubmit: (e: Event) => { e.preventDefault(); void createLink(); } }, label, el("label", { class: "check" }, "valid for", expiry, "hours"), scope, shareCreate),
        shareError,
        el("table", { class: "list" }, links),
      ),
      section("Findings", el("div", { class: "actions" }, csv, sr, srResult)),
      section("Pseudonyms", el("div", { class: "muted" }, "Which original patient, study, series and instance each pseudonym stands for. Only you can see this."), el("div", { class: "actions" }, showMapping), mapping),
      el("div", { class: "actions end" }, remove),
    ),
  );

  const request = new AbortController();
  let poll: number | undefined;
  let set: ReadingSet | undefined;

  function show(s: ReadingSet): void {
    set = s;
    document.title = `${s.name} – Isocenter`;
    title.textContent = s.name;
    const fields = s.form.fields.map((f) => `${f.label}${f.required ? "*" : ""}${f.type === "choice" ? ` (${(f.options ?? []).join(" / ")})` : f.type === "number" ? " (number)" : ""}`);
    summary.replaceChildren(
      el("span", { class: "state", "data-state": s.state, "data-testid": "set-state" }, describeSetState(s.state)),
      el("span", {}, s.blinded ? "Blinded" : "Not blinded"),
      el("span", {}, s.order === "random" ? "Random order" : "Fixed order"),
      el("span", {}, describeProfile(s.profile)),
      el("span", {}, `Form: ${fields.join(", ")} + comment`),
    );
    progress.dataset["state"] = s.state;
    progress.textContent = describeSetProgress(s);
    studies.replaceChildren(...s.studies.map(studyRow));
    const chosen = scope.value;
    scope.replaceChildren(
      el("option", { value: "" }, "All studies"),
      ...s.studies.filter((st) => st.studyInstanceUid && st.state === "completed").map((st) => el("option", { value: st.studyInstanceUid!, selected: st.studyInstanceUid === chosen }, `Only ${st.label}`)),
    );
  }

  async function load(): Promise<void> {
    try {
      show(await review.readingSet(setId, { signal: request.signal }));
      status.textContent = "";
    } catch (error) {
      if (request.signal.aborted) return;
      status.textContent = `The reading set could not be loaded: ${describeError(error)}`;
    }
    // While the copies are made, the job's progress is asked for every second.
    if (!request.signal.aborted && set && preparing(set.state)) poll = window.setTimeout(() => void load(), 1000);
  }

  function linkRow(link: ShareLink): HTMLElement {
    const url = new URL(link.url, location.origin).href;
    const revoked = link.revokedAt !== null;
    const expired = !revoked && Date.parse(link.expiresAt) < Date.now();
    const copy = el("button", { type: "button", "data-testid": "share-copy", disabled: revoked || expired }, "Copy");
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        copy.textContent = "Copied";
      } catch {
        // No clipboard (e.g. plain http on another host): the URL is selected for the user to copy.
        const range = document.createRange();
        range.selectNodeContents(urlText);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
        copy.textContent = "Selected: press Ctrl+C";
      }
    });
    const revoke = el("button", { type: "button", class: "danger", "data-testid": "share-revoke", hidden: revoked }, "Revoke");
    revoke.addEventListener("click", async () => {
      if (!confirm(`Revoke the link for ${link.label || "(no label)"}? Whoever has it loses access at once.`)) return;
      revoke.disabled = true;
      try {
        await review.revokeShareLink(link.id);
        await loadLinks();
      } catch (error) {
        revoke.disabled = false;
        shareError.hidden = false;
        shareError.textContent = `Not revoked: ${describeError(error)}`;
      }
    });
    const urlText = el("span", { class: "mono small share-url", "data-testid": "share-url" }, url);
    const scopeText = link.studyInstanceUid ? (set?.studies.find((s) => s.studyInstanceUid === link.studyInstanceUid)?.label ?? "one study") : "all studies";
    const state = revoked ? `revoked ${when(link.revokedAt)}` : expired ? `expired ${when(link.expiresAt)}` : `until ${when(link.expiresAt)}`;
    return el(
      "tr",
      { "data-testid": "share-link-row", "data-link-id": link.id, "data-revoked": String(revoked) },
      el("td", {}, el("div", {}, link.label || "(no label)"), el("div", { class: "muted" }, `${scopeText} · ${state}`)),
      el("td", { class: revoked || expired ? "revoked" : "" }, urlText),
      el("td", { class: "row-actions" }, copy, revoke),
    );
  }

  async function loadLinks(): Promise<void> {
    try {
      const all = await review.shareLinks(setId, { signal: request.signal });
      all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      links.replaceChildren(...all.map(linkRow));
    } catch (error) {
      if (!request.signal.aborted) links.replaceChildren(el("tr", {}, el("td", { class: "muted" }, `The links could not be loaded: ${describeError(error)}`)));
    }
  }

  async function createLink(): Promise<void> {
    const hours = Number(expiry.value);
    shareError.hidden = true;
    if (!Number.isInteger(hours) || hours < 1 || hours > 2160) {
      shareError.hidden = false;
      shareError.textContent = "A link is valid for 1 to 2160 hours (90 days).";
      return;
    }
    shareCreate.disabled = true;
    try {
      await review.createShareLink(setId, { label: label.value.trim(), expiresInHours: hours, studyInstanceUid: scope.value || null });
      label.value = "";
      await loadLinks();
    } catch (error) {
      shareError.hidden = false;
      shareError.textContent = `No link created: ${describeError(error)}`;
    }
    shareCreate.disabled = false;
  }

  sr.addEventListener("click", async () => {
    sr.disabled = true;
    srResult.textContent = "Storing…";
    try {
      const { instances } = await review.exportSr(setId);
      srResult.textContent = instances.length ? `Stored ${instances.length} SR ${instances.length === 1 ? "document" : "documents"} in the de-identified studies.` : "No complete finding yet: nothing stored.";
    } catch (error) {
      srResult.textContent = `Not stored: ${describeError(error)}`;
    }
    sr.disabled = false;
  });

  showMapping.addEventListener("click", async () => {
    showMapping.disabled = true;
    try {
      const entries = await review.mapping(setId, { signal: request.signal });
      const order = { patient: 0, study: 1, series: 2, instance: 3 };
      entries.sort((a, b) => order[a.kind] - order[b.kind] || a.original.localeCompare(b.original));
      mapping.replaceChildren(
        el("table", { class: "list" },
          el("thead", {}, el("tr", {}, ...["Kind", "Original", "Pseudonym"].map((h) => el("th", {}, h)))),
          el("tbody", {}, ...entries.map((m) => el("tr", { "data-testid": "mapping-row", "data-kind": m.kind }, el("td", {}, m.kind), el("td", { class: "mono small" }, m.original), el("td", { class: "mono small" }, m.pseudonym))))),
      );
    } catch (error) {
      mapping.replaceChildren(el("div", { class: "form-error" }, `The mapping could not be loaded: ${describeError(error)}`));
      showMapping.disabled = false;
    }
  });

  remove.addEventListener("click", async () => {
    if (!confirm("Delete this reading set? Its links stop working at once; the de-identified copies stay in the archive.")) return;
    try {
      await review.deleteReadingSet(setId);
      nav.go("/reading-sets");
    } catch (error) {
      status.textContent = `Not deleted: ${describeError(error)}`;
    }
  });

  void load();
  void loadLinks();
  return () => {
    request.abort();
    clearTimeout(poll);
  };
}
