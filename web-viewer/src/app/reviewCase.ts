import { fieldErrors } from "../http";
import type { CaseStatus, Finding, FormField, ReviewStudy, ReviewWorklist } from "../review/client";
import { Autosave, type SaveState } from "../review/autosave";
import { describeDone, nextCase } from "../review/cases";
import { fieldValue, validateFinding } from "../review/form";
import { describeError, el } from "./dom";
import { caseUrl, describeStatus, reviewFailure, reviewUrl, type ReviewServices } from "./review";
import { showStudy, type StudyViewServices } from "./studyView";

/** A form field's control: a select for a choice, a text area for text, a number input. */
function control(field: FormField, value: unknown): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const common = { "data-testid": "finding-field", "data-field-id": field.id, id: `field-${field.id}`, required: field.required };
  const text = value === null || value === undefined ? "" : String(value);
  if (field.type === "choice") {
    const select = el("select", common, el("option", { value: "" }, "—"), ...(field.options ?? []).map((o) => el("option", { value: o }, o)));
    select.value = text;
    return select;
  }
  if (field.type === "number") {
    const input = el("input", { ...common, type: "number", step: "any", min: field.min ?? undefined, max: field.max ?? undefined });
    input.value = text;
    return input;
  }
  const area = el("textarea", { ...common, rows: 3 });
  area.value = text;
  return area;
}

/**
 * The findings panel of a case: one control per form field and the comment, saved ~800 ms after the last change (a
 * draft), "Mark done" (the service checks the required fields; its 400 `errors` are shown), the next case not done,
 * and the case's status.
 */
function findingsPanel(services: ReviewServices, worklist: ReviewWorklist, current: ReviewStudy, initial: Finding, go: (url: string) => void): { element: HTMLElement; leave: () => void } {
  const form = worklist.form;
  const controls = form.fields.map((f) => ({ field: f, input: control(f, initial.values[f.id]) }));
  const comment = el("textarea", { "data-testid": "finding-comment", id: "finding-comment", rows: 4, placeholder: "Anything else worth saying" });
  comment.value = initial.comment ?? "";
  const saved = el("div", { class: "finding-saved", "data-testid": "finding-saved", role: "status" }, initial.updatedAt ? "Saved" : "");
  const error = el("div", { class: "form-error", "data-testid": "finding-error", role: "alert", hidden: true });
  const statusBadge = el("span", { class: "case-status", "data-testid": "finding-status" });
  const complete = el("button", { type: "button", class: "primary", "data-testid": "finding-complete" }, "Mark done");
  const next = el("button", { type: "button", "data-testid": "next-case" }, "Next case ›");
  const progress = el("div", { class: "muted", "data-testid": "case-progress" });
  let done = initial.complete;

  function setStatus(status: CaseStatus): void {
    current.status = status;
    done = status === "done";
    statusBadge.dataset["status"] = status;
    statusBadge.textContent = describeStatus(status);
    complete.disabled = done;
    complete.textContent = done ? "Done ✓" : "Mark done";
    worklist.done = worklist.studies.filter((s) => s.status === "done").length;
    progress.textContent = `${current.label} · ${describeDone(worklist)}`;
    const following = nextCase(worklist.studies, current.studyInstanceUid);
    next.textContent = following ? `Next: ${following.label} ›` : "Back to the list";
  }
  setStatus(initial.complete ? "done" : initial.updatedAt ? "draft" : current.status);

  const values = (): Finding["values"] => Object.fromEntries(controls.map(({ field, input }) => [field.id, fieldValue(field, input.value)]));

  function showErrors(errors: Record<string, string[] | string>): void {
    const messages = Object.values(errors).flat();
    for (const { field, input } of controls) input.toggleAttribute("aria-invalid", field.id in errors);
    error.hidden = messages.length === 0;
    error.replaceChildren(...messages.map((m) => el("div", {}, m)));
  }

  const showSave = (state: SaveState) => {
    saved.dataset["state"] = state.kind;
    saved.textContent = state.kind === "saved" ? "Saved" : state.kind === "saving" ? "Saving…" : `Not saved: ${describeError(state.error)}`;
  };
  const autosave = new Autosave<Finding>(async (finding) => {
    const answer = await services.review.saveFinding(current.studyInstanceUid, finding, services.readingSet);
    setStatus(answer.complete ? "done" : "draft");
  }, showSave);

  function changed(): void {
    const v = values();
    const problems = validateFinding(form, v, false);
    showErrors(problems);
    if (Object.keys(problems).length) {
      autosave.cancel();
      saved.dataset["state"] = "error";
      saved.textContent = "Not saved: correct the fields in red";
      return;
    }
    // A done finding stays done while it is still complete; otherwise it goes back to a draft.
    autosave.change({ values: v, comment: comment.value, complete: done && Object.keys(validateFinding(form, v, true)).length === 0 });
  }
  for (const { input } of controls) input.addEventListener("input", changed);
  comment.addEventListener("input", changed);

  complete.addEventListener("click", async () => {
    const v = values();
    const problems = validateFinding(form, v, true);
    showErrors(problems);
    if (Object.keys(problems).length) return;
    complete.disabled = true;
    autosave.cancel();
    await autosave.flush();
    showSave({ kind: "saving" });
    try {
      const answer = await services.review.saveFinding(current.studyInstanceUid, { values: v, comment: comment.value, complete: true }, services.readingSet);
      setStatus(answer.complete ? "done" : "draft");
      showSave({ kind: "saved" });
    } catch (err) {
      const errors = fieldErrors(err);
      showErrors(Object.keys(errors).length ? errors : { "": `Not marked done: ${describeError(err)}` });
      showSave({ kind: "error", error: err });
      complete.disabled = false;
    }
  });

  next.addEventListener("click", async () => {
    await autosave.flush();
    const following = nextCase(worklist.studies, current.studyInstanceUid);
    go(following ? caseUrl(following.studyInstanceUid, services.readingSet) : reviewUrl(services.readingSet));
  });

  const element = el(
    "aside",
    { class: "findings-panel", "data-testid": "findings-panel", "aria-label": "Findings" },
    el("div", { class: "panel-head" }, el("h2", {}, "Findings"), statusBadge),
    progress,
    ...controls.map(({ field, input }) => el("label", { class: "field", for: input.id }, el("span", {}, field.label, field.required ? el("span", { class: "required", title: "required" }, " *") : null), input)),
    el("label", { class: "field", for: comment.id }, el("span", {}, "Comment"), comment),
    error,
    el("div", { class: "actions" }, complete, saved),
    el("div", { class: "actions" }, next),
  );
  // Leaving the case, or the page (a reload, a closed tab), saves what is pending at once (the request outlives the page).
  const onPageHide = () => void autosave.flush();
  window.addEventListener("pagehide", onPageHide);
  return {
    element,
    leave: () => {
      window.removeEventListener("pagehide", onPageHide);
      void autosave.flush();
    },
  };
}

/**
 * A case of the review (`/viewer?StudyInstanceUID=…&review=1`): the study view (the case's label as its title, blinded
 * when the set is) with the findings panel beside the images; back goes to the review's list.
 */
export function showReviewCase(root: HTMLElement, services: ReviewServices & StudyViewServices, study: string, initialSeries: string | undefined, go: (url: string) => void): () => void {
  const request = new AbortController();
  let leaveStudy: (() => void) | undefined;
  let leavePanel: (() => void) | undefined;
  root.replaceChildren(el("div", { class: "status", role: "status" }, "Loading…"));
  const back = () => go(reviewUrl(services.readingSet));
  Promise.all([services.review.worklist(services.readingSet, { signal: request.signal }), services.review.finding(study, services.readingSet, { signal: request.signal })])
    .then(([worklist, finding]) => {
      if (request.signal.aborted) return;
      const current = worklist.studies.find((s) => s.studyInstanceUid === study);
      if (!current) {
        root.replaceChildren(el("header", { class: "bar" }, el("a", { href: reviewUrl(services.readingSet), class: "back", "data-testid": "back-to-review", onclick: (e: Event) => { e.preventDefault(); back(); } }, "‹ Cases")), el("div", { class: "status" }, "This study is not part of the review."));
        return;
      }
      const panel = findingsPanel(services, worklist, current, finding, go);
      leavePanel = panel.leave;
      const title = worklist.blinded ? current.label : [current.label, current.studyDescription].filter(Boolean).join(" · ");
      leaveStudy = showStudy(root, services, study, initialSeries, back, { backLabel: "‹ Cases", backTestId: "back-to-review", title, blinded: worklist.blinded, aside: panel.element, retrieveMissing: false });
    })
    .catch((error: unknown) => {
      if (!request.signal.aborted) root.replaceChildren(el("div", { class: "status", "data-testid": "message" }, reviewFailure(error)));
    });
  return () => {
    request.abort();
    leavePanel?.();
    leaveStudy?.();
  };
}
