import { describe, expect, it } from "vitest";
import { remoteStudyQueries } from "./query";

describe("remoteStudyQueries", () => {
  const search = { text: "", dateFrom: "", dateTo: "", modality: "" };

  it("maps the filters to C-FIND matching keys", () => {
    expect(remoteStudyQueries({ ...search, dateFrom: "2024-01-01", dateTo: "2024-01-31", modality: "CT" }, 100)).toEqual([
      "StudyDate=20240101-20240131&ModalitiesInStudy=CT&limit=100",
    ]);
  });

  it("asks by name, patient ID and accession, each by prefix", () => {
    const queries = remoteStudyQueries({ ...search, text: "Silva, Ana" }, 50).map((q) => Object.fromEntries(new URLSearchParams(q)));
    expect(queries).toEqual([
      { limit: "50", PatientName: "Silva^Ana*" },
      { limit: "50", PatientID: "Silva, Ana*" },
      { limit: "50", AccessionNumber: "Silva, Ana*" },
    ]);
    expect(Object.fromEntries(new URLSearchParams(remoteStudyQueries({ ...search, text: "ISO*1" }, 1)[1]))).toEqual({ limit: "1", PatientID: "ISO*1" });
  });
});
