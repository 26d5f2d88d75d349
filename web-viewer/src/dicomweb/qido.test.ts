import { describe, expect, it } from "vitest";
import { formatDate, formatPersonName, numberValue, stringValue, stringValues, Tag } from "./dicomJson";
import { prefixMatch, studyDateRange, studyQueries } from "./qido";

describe("formatPersonName", () => {
  it("writes Family^Given as people read it", () => {
    expect(formatPersonName("Doe^John")).toBe("Doe, John");
    expect(formatPersonName("Doe^John^Paul^Dr^Jr")).toBe("Doe, Dr John Paul Jr");
    expect(formatPersonName("Anonymous")).toBe("Anonymous");
    expect(formatPersonName("^John")).toBe("John");
    expect(formatPersonName("Yamada^Tarou=山田^太郎")).toBe("Yamada, Tarou");
    expect(formatPersonName(undefined)).toBe("");
  });
});

describe("DICOM JSON values", () => {
  const ds = {
    [Tag.PatientName]: { vr: "PN", Value: [{ Alphabetic: "Doe^Jane" }] },
    [Tag.ModalitiesInStudy]: { vr: "CS", Value: ["CT", "SR"] },
    [Tag.NumberOfStudyRelatedSeries]: { vr: "IS", Value: [3] },
    [Tag.StudyDate]: { vr: "DA", Value: ["20240131"] },
  };
  it("reads strings, person names, lists and numbers", () => {
    expect(stringValue(ds, Tag.PatientName)).toBe("Doe^Jane");
    expect(stringValues(ds, Tag.ModalitiesInStudy)).toEqual(["CT", "SR"]);
    expect(numberValue(ds, Tag.NumberOfStudyRelatedSeries)).toBe(3);
    expect(stringValue(ds, Tag.AccessionNumber)).toBeUndefined();
    expect(formatDate(stringValue(ds, Tag.StudyDate))).toBe("2024-01-31");
  });
});

describe("QIDO study queries", () => {
  const none = { text: "", dateFrom: "", dateTo: "", modality: "" };

  it("builds date ranges (PS3.4 C.2.2.2.5)", () => {
    expect(studyDateRange("2024-01-01", "2024-12-31")).toBe("20240101-20241231");
    expect(studyDateRange("2024-01-01", "")).toBe("20240101-");
    expect(studyDateRange("", "2024-12-31")).toBe("-20241231");
    expect(studyDateRange("", "")).toBeUndefined();
  });

  it("matches IDs by prefix unless a wildcard is given", () => {
    expect(prefixMatch("PAT1")).toBe("PAT1*");
    expect(prefixMatch("P?T*")).toBe("P?T*");
  });

  it("asks once without text, with paging and the worklist's fields", () => {
    const [q, ...rest] = studyQueries({ ...none, modality: "CT", dateFrom: "2024-01-01" }, 25, 50);
    expect(rest).toHaveLength(0);
    const p = new URLSearchParams(q);
    expect(p.get("ModalitiesInStudy")).toBe("CT");
    expect(p.get("StudyDate")).toBe("20240101-");
    expect(p.get("limit")).toBe("25");
    expect(p.get("offset")).toBe("50");
    expect(p.get("includefield")).toContain("StudyDescription");
  });

  it("searches name (fuzzy), patient ID and accession for a text", () => {
    const queries = studyQueries({ ...none, text: "Doe, Jo" }, 25, 0).map((q) => new URLSearchParams(q));
    expect(queries.map((p) => [p.get("PatientName"), p.get("PatientID"), p.get("AccessionNumber")])).toEqual([
      ["Doe^Jo", null, null],
      [null, "Doe, Jo*", null],
      [null, null, "Doe, Jo*"],
    ]);
    expect(queries[0]!.get("fuzzymatching")).toBe("true");
  });
});
