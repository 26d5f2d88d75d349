import { describe, expect, it } from "vitest";
import type { FindingsForm } from "./client";
import { buildForm, fieldId, fieldValue, parseOptions, validateFinding } from "./form";

describe("the form editor", () => {
  it("makes ids the service accepts from labels, unique", () => {
    expect(fieldId("Diagnosis", new Set())).toBe("diagnosis");
    expect(fieldId("  Lesion size (mm) ", new Set())).toBe("lesion-size-mm");
    expect(fieldId("Größe", new Set())).toBe("gro-e");
    expect(fieldId("???", new Set())).toBe("field");
    expect(fieldId("Diagnosis", new Set(["diagnosis", "diagnosis-2"]))).toBe("diagnosis-3");
    expect(fieldId("x".repeat(80), new Set())).toMatch(/^[a-z0-9_-]{1,40}$/);
  });

  it("reads comma-separated options", () => {
    expect(parseOptions(" benign, malignant ,, benign,unclear ")).toEqual(["benign", "malignant", "unclear"]);
  });

  it("builds the form, or says which field is wrong", () => {
    const { form, errors } = buildForm([
      { label: "Finding", type: "choice", options: "benign, malignant", required: true },
      { label: "Size", type: "number", options: "ignored", required: false },
      { label: "Finding", type: "text", options: "", required: false },
    ]);
    expect(errors).toEqual({});
    expect(form).toEqual({
      fields: [
        { id: "finding", label: "Finding", type: "choice", options: ["benign", "malignant"], required: true },
        { id: "size", label: "Size", type: "number", required: false },
        { id: "finding-2", label: "Finding", type: "text", required: false },
      ],
    });
    expect(buildForm([]).form).toBeUndefined();
    expect(Object.keys(buildForm([{ label: " ", type: "text", options: "", required: true }]).errors)).toEqual(["0"]);
    expect(buildForm([{ label: "Grade", type: "choice", options: "only one", required: true }]).errors["0"]).toContain("at least two options");
  });
});

describe("validateFinding", () => {
  const form: FindingsForm = {
    fields: [
      { id: "diagnosis", label: "Diagnosis", type: "choice", options: ["benign", "malignant"], required: true },
      { id: "size", label: "Size", type: "number", required: false, min: 0, max: 100 },
      { id: "note", label: "Note", type: "text", required: true },
    ],
  };

  it("lets a draft be partial but not wrong", () => {
    expect(validateFinding(form, {}, false)).toEqual({});
    expect(validateFinding(form, { size: 12 }, false)).toEqual({});
    expect(Object.keys(validateFinding(form, { size: 101, diagnosis: "maybe" }, false)).sort()).toEqual(["diagnosis", "size"]);
    expect(validateFinding(form, { size: Number.NaN }, false)["size"]).toBe("Size must be a number.");
    expect(validateFinding(form, { size: -1 }, false)["size"]).toBe("Size must be at least 0.");
  });

  it("needs every required field to be done", () => {
    expect(validateFinding(form, { diagnosis: "benign" }, true)).toEqual({ note: "Note is required." });
    expect(validateFinding(form, { diagnosis: "benign", note: "ok", size: null }, true)).toEqual({});
  });

  it("reads the controls' text as values", () => {
    const [diagnosis, size] = form.fields;
    expect(fieldValue(size!, " 12.5 ")).toBe(12.5);
    expect(fieldValue(size!, "")).toBeNull();
    expect(fieldValue(diagnosis!, "benign")).toBe("benign");
    expect(fieldValue(diagnosis!, "  ")).toBeNull();
  });
});
