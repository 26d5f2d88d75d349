import type { FieldType, FieldValue, FindingsForm, FormField } from "./client";

/** What the set form's field editor holds for one field (options comma-separated). */
export interface EditorField {
  label: string;
  type: FieldType;
  options: string;
  required: boolean;
}

/**
 * A field id from its label, as the service wants it (`[a-z0-9_-]{1,40}`): lower case, other characters as "-", unique
 * among `taken` (a number appended).
 */
export function fieldId(label: string, taken: ReadonlySet<string>): string {
  const base = label.toLowerCase().normalize("NFKD").replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 36) || "field";
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** The comma-separated choices of a field, trimmed, without empties and repeats. */
export const parseOptions = (text: string): string[] => [...new Set(text.split(",").map((o) => o.trim()).filter(Boolean))];

/**
 * The form of the editor's fields, or the problems by field index ("0", "1", …). No field at all: undefined, and the
 * service's default form applies.
 */
export function buildForm(fields: EditorField[]): { form?: FindingsForm; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const taken = new Set<string>();
  const built: FormField[] = [];
  fields.forEach((f, i) => {
    const label = f.label.trim();
    const options = parseOptions(f.options);
    if (!label) errors[i] = `Field ${i + 1} needs a label.`;
    else if (f.type === "choice" && options.length < 2) errors[i] = `"${label}" is a choice: give at least two options, separated by commas.`;
    const id = fieldId(label, taken);
    taken.add(id);
    built.push({ id, label, type: f.type, required: f.required, ...(f.type === "choice" ? { options } : {}) });
  });
  return { form: built.length ? { fields: built } : undefined, errors };
}

/** A field's value as the form's control gives it (text), as the finding holds it: numbers as numbers, empty as null. */
export function fieldValue(field: FormField, text: string): FieldValue | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  return field.type === "number" ? Number(trimmed) : text;
}

const empty = (v: FieldValue | null | undefined) => v === null || v === undefined || v === "";

/**
 * The problems of a finding's values by field id, with the service's rules: types, options, min/max always; required
 * fields only for a complete finding (a draft may be partial).
 */
export function validateFinding(form: FindingsForm, values: Record<string, FieldValue | null | undefined>, complete: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of form.fields) {
    const value = values[field.id];
    if (empty(value)) {
      if (complete && field.required) errors[field.id] = `${field.label} is required.`;
      continue;
    }
    if (field.type === "number") {
      const n = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(n)) errors[field.id] = `${field.label} must be a number.`;
      else if (field.min != null && n < field.min) errors[field.id] = `${field.label} must be at least ${field.min}.`;
      else if (field.max != null && n > field.max) errors[field.id] = `${field.label} must be at most ${field.max}.`;
    } else if (field.type === "choice" && !(field.options ?? []).includes(String(value))) {
      errors[field.id] = `${field.label} must be one of: ${(field.options ?? []).join(", ")}.`;
    }
  }
  return errors;
}
