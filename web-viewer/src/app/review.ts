import { HttpError, type DicomWebClient } from "../dicomweb/client";
import { formatDate } from "../dicomweb/dicomJson";
import type { CaseStatus, ReviewClient, ReviewStudy } from "../review/client";
import { describeDone, modalitiesText } from "../review/cases";
import { describeError, el } from "./dom";

/** What the reviewer's pages talk to, and the set of an OIDC reviewer (a share-link session's comes from its cookie). */
export interface ReviewServices {
  client: DicomWebClient;
  review: ReviewClient;
  /** `?readingSet=` of an OIDC reviewer; undefined in a share-link session. */
  readingSet: string | undefined;
}

const statusWords: Record<CaseStatus, string> = { todo: "To do", draft: "Draft", done: "Done" };
/** A case's status for people. */
export const describeStatus = (s: CaseStatus): string => statusWords[s] ?? s;

/** The viewer URL of a case, in review mode. */
export function caseUrl(study: string, readingSet: string | undefined): string {
  return `/viewer?StudyInstanceUID=${encodeURIComponent(study)}&review=1${readingSet ? `&readingSet=${encodeURIComponent(readingSet)}` : ""}`;
}

/** The review's list URL. */
export const reviewUrl = (readingSet: string | undefined): string => (readingSet ? `/review?readingSet=${encodeURIComponent(readingSet)}` : "/review");

/** Why a reviewer's page cannot show the set: the words for a link that has ended, or the error. */
export function reviewFailure(error: unknown): string {
  if (error instanceof HttpError && (error.status === 403 || error.status === 404 || error.status === 410))
    return `This review is not available: ${error.detail ?? error.title}. If you were sent a link, it may have expired or been revoked: ask the sender for a new one.`;
  return `The review could not be loaded: ${describeError(error)}`;
}

/**
 * The reviewer's worklist (`/review`, where a share link lands): the set's cases in its order with their status and
 * "n of N done"; dates and descriptions only when the set is not blinded. A row opens the case in the viewer.
 */
export function showReview(root: HTMLElement, services: ReviewServices, go: (url: string) => void): () => void {
  document.title = "Review – Isocenter";
  const title = el("h1", {}, "Review");
  const progress = el("span", { class: "review-progress", "data-testid": "review-progress", role: "status" });
  const next = el("button", { type: "button", "data-testid": "review-continue", hidden: true }, "Continue");
  const body = el("tbody");
  const head = el("thead");
  const status = el("div", { class: "status", role: "status" }, "Loading…");
  root.replaceChildren(el("header", { class: "bar" }, title, progress, next), el("main", { class: "review-page" }, el("table", { class: "list review" }, head, body), status));
  const request = new AbortController();

  function row(s: ReviewStudy, blinded: boolean): HTMLElement {
    const open = () => go(caseUrl(s.studyInstanceUid, services.readingSet));
    const thumb = el("img", { src: services.client.studyThumbnailUrl(s.studyInstanceUid), alt: "", width: 48, height: 48, loading: "lazy", onerror: (e: Event) => ((e.target as HTMLImageElement).style.visibility = "hidden") });
    return el(
      "tr",
      { "data-testid": "review-row", "data-study-uid": s.studyInstanceUid, "data-status": s.status, tabindex: 0, onclick: open, onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === "Enter") open(); } },
      el("td", { class: "thumb" }, thumb),
      el("td", {}, el("a", { href: caseUrl(s.studyInstanceUid, services.readingSet), onclick: (e: Event) => e.preventDefault() }, s.label)),
      el("td", {}, el("span", { class: "case-status", "data-status": s.status }, describeStatus(s.status))),
      ...(blinded ? [] : [el("td", { class: "nowrap" }, formatDate(s.studyDate ?? undefined)), el("td", {}, s.studyDescription ?? ""), el("td", {}, modalitiesText(s.modalities)), el("td", { class: "num" }, s.instances == null ? "" : String(s.instances))]),
    );
  }

  services.review
    .worklist(services.readingSet, { signal: request.signal })
    .then((w) => {
      document.title = `${w.name} – Isocenter`;
      title.textContent = w.name;
      progress.textContent = describeDone(w);
      head.replaceChildren(el("tr", {}, ...["", "Case", "Status", ...(w.blinded ? [] : ["Date", "Description", "Modality", "Images"])].map((h, i) => el("th", { class: i === 7 ? "num" : undefined }, h))));
      body.replaceChildren(...w.studies.map((s) => row(s, w.blinded)));
      const first = w.studies.find((s) => s.status !== "done");
      next.hidden = !first;
      if (first) {
        next.textContent = w.done === 0 && !w.studies.some((s) => s.status === "draft") ? "Start" : `Continue with ${first.label}`;
        next.onclick = () => go(caseUrl(first.studyInstanceUid, services.readingSet));
      }
      status.textContent = w.studies.length === 0 ? "No case is ready yet: the studies are still being prepared. Try again in a minute." : w.done === w.total ? "All cases are done. Thank you! You can still open and change them." : "";
    })
    .catch((error: unknown) => {
      if (!request.signal.aborted) status.textContent = reviewFailure(error);
    });
  return () => request.abort();
}
