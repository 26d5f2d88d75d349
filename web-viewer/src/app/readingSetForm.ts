import { fieldErrors } from "../http";
import type { FieldType, ReadingSet, ReviewClient } from "../review/client";
import { buildForm, type EditorField } from "../review/form";
import { describeError, el } from "./dom";

const fieldTypes: [FieldType, string][] = [["choice", "Choice"], ["text", "Text"], ["number", "Number"]];

/** One row of the form-fields editor: its controls, and what they hold. */
function fieldRow(initial: EditorField, onRemove: (row: HTMLElement) => void): { element: HTMLElement; value: () => EditorField } {
  const label = el("input", { "data-testid": "form-field-label", placeholder: "Label, e.g. Diagnosis", "aria-label": "Field label", value: initial.label });
  const type = el("select", { "data-testid": "form-field-type", "aria-label": "Field type" }, ...fieldTypes.map(([v, text]) => el("option", { value: v, selected: v === initial.type }, text)));
  const options = el("input", { "data-testid": "form-field-options", placeholder: "Options, comma-separated", "aria-label": "Choices, separated by commas", value: initial.options });
  const required = el("input", { type: "checkbox", "data-testid": "form-field-required", checked: initial.required });
  const showOptions = () => (options.hidden = type.value !== "choice");
  type.addEventListener("change", showOptions);
  showOptions();
  const element = el(
    "div",
    { class: "form-field", "data-testid": "form-field" },
    label,
    type,
    options,
    el("label", { class: "check" }, required, "Required"),
    el("button", { type: "button", class: "link", title: "Remove this field", "aria-label": "Remove this field", onclick: () => onRemove(element) }, "✕"),
  );
  return { element, value: () => ({ label: label.value, type: type.value as FieldType, options: options.value, required: required.checked }) };
}

/**
 * The "new reading set" dialog for the studies selected in the worklist: name, blinding, order, the de-identification
 * options and the findings form (a field editor; no field means the service's default "Diagnosis"). `created` gets the
 * new set (its copies are being made).
 */
export function readingSetDialog(review: ReviewClient, studies: string[], created: (set: ReadingSet) => void): HTMLDialogElement {
  const name = el("input", { "data-testid": "set-name", required: true, maxlength: 200, placeholder: "e.g. Lung nodules, surgeon review", autocomplete: "off" });
  const blinded = el("input", { type: "checkbox", "data-testid": "set-blinded", checked: true });
  const order = el("select", { "data-testid": "set-order" }, el("option", { value: "fixed" }, "Fixed order"), el("option", { value: "random" }, "Random order (per reviewer)"));
  const retain = (testid: string) => el("input", { type: "checkbox", "data-testid": testid });
  const retainDates = retain("set-retain-dates");
  const retainCharacteristics = retain("set-retain-characteristics");
  const retainDevice = retain("set-retain-device");
  const retainInstitution = retain("set-retain-institution");
  const retainDescriptors = retain("set-retain-descriptors");
  const fieldsList = el("div", { class: "form-fields" });
  const rows: { element: HTMLElement; value: () => EditorField }[] = [];
  const addField = (initial: EditorField) => {
    const row = fieldRow(initial, (element) => {
      rows.splice(rows.findIndex((r) => r.element === element), 1);
      element.remove();
    });
    rows.push(row);
    fieldsList.append(row.element);
    return row;
  };
  addField({ label: "Diagnosis", type: "text", options: "", required: true });
  const add = el("button", { type: "button", "data-testid": "form-field-add", onclick: () => addField({ label: "", type: "choice", options: "", required: false }).element.querySelector("input")?.focus() }, "+ Field");
  const error = el("div", { class: "form-error", "data-testid": "form-error", role: "alert", hidden: true });
  const create = el("button", { type: "submit", class: "primary", "data-testid": "set-create" }, "Create");
  const cancel = el("button", { type: "button", "data-testid": "set-cancel" }, "Cancel");
  const check = (control: HTMLElement, text: string, title?: string) => el("label", { class: "check", title }, control, text);
  const form = el(
    "form",
    { class: "panel-form", "data-testid": "reading-set-form", novalidate: true, method: "dialog" },
    el("h2", {}, `New reading set of ${studies.length} ${studies.length === 1 ? "study" : "studies"}`),
    el("label", { class: "field wide" }, el("span", {}, "Name"), name),
    el("div", { class: "fields" }, check(blinded, "Blinded", "Reviewers see no dates or descriptions"), order),
    el("fieldset", {}, el("legend", {}, "De-identification keeps"),
      el("div", { class: "fields" },
        check(retainDates, "dates (shifted)", "Retain Longitudinal Temporal Information with Modified Dates"),
        check(retainCharacteristics, "patient sex, age, size", "Retain Patient Characteristics"),
        check(retainDevice, "device", "Retain Device Identity"),
        check(retainInstitution, "institution", "Retain Institution Identity"),
        check(retainDescriptors, "descriptions", "Keep study and series descriptions (otherwise cleaned)"))),
    el("fieldset", {}, el("legend", {}, "Findings form"), fieldsList, el("div", { class: "muted" }, "Every finding also has a free-text comment."), add),
    error,
    el("div", { class: "actions" }, create, cancel),
  );
  const dialog = el("dialog", { class: "dialog" }, form);
  const showError = (messages: string[]) => {
    error.hidden = messages.length === 0;
    error.replaceChildren(...messages.map((m) => el("div", {}, m)));
  };
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const built = buildForm(rows.map((r) => r.value()));
    const problems = Object.values(built.errors);
    if (!name.value.trim()) problems.unshift("Give the set a name.");
    showError(problems);
    if (problems.length) return;
    create.disabled = true;
    try {
      const set = await review.createReadingSet({
        name: name.value.trim(),
        studyInstanceUids: studies,
        blinded: blinded.checked,
        order: order.value === "random" ? "random" : "fixed",
        profile: {
          retainModifiedDates: retainDates.checked,
          retainPatientCharacteristics: retainCharacteristics.checked,
          retainDeviceIdentity: retainDevice.checked,
          retainInstitutionIdentity: retainInstitution.checked,
          retainDescriptors: retainDescriptors.checked,
        },
        ...(built.form ? { form: built.form } : {}),
      });
      dialog.close();
      created(set);
    } catch (err) {
      const errors = Object.values(fieldErrors(err)).flat();
      showError(errors.length ? errors : [`Not created: ${describeError(err)}`]);
      create.disabled = false;
    }
  });
  return dialog;
}
