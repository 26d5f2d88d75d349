import { describe, expect, it } from "vitest";
import { Tag } from "../dicomweb/dicomJson";
import type { ReviewStudy } from "./client";
import { blind, describeCopy, describeDone, describeHeldBack, describeSetProgress, modalitiesText, nextCase } from "./cases";

const study = (uid: string, status: ReviewStudy["status"]): ReviewStudy => ({ studyInstanceUid: uid, position: Number(uid), label: `Case ${uid}`, status });

describe("reading set words", () => {
  it("says how far the copies are", () => {
    expect(describeSetProgress({ progress: { studies: 5, studiesDone: 3, instances: 200, instancesDone: 120 } })).toBe("3 of 5 studies · 120 of 200 instances");
    expect(describeCopy({ state: "running", done: 40, total: 120, error: null })).toBe("de-identifying 40 of 120");
    expect(describeCopy({ state: "failed", done: 0, total: 3, error: "object missing" })).toBe("failed: object missing");
    expect(describeCopy({ state: "completed", done: 3, total: 3, error: null })).toBe("ready");
    expect(describeHeldBack({ seriesInstanceUid: "1.2", instances: 1, reason: "Burned In Annotation is YES" })).toBe("1 instance held back: Burned In Annotation is YES");
  });

  it("says how far the reviewer is", () => {
    expect(describeDone({ done: 2, total: 5 })).toBe("2 of 5 done");
    expect(modalitiesText(["CT", "SR"])).toBe("CT, SR");
    expect(modalitiesText("MR")).toBe("MR");
    expect(modalitiesText(undefined)).toBe("");
  });
});

describe("nextCase", () => {
  const cases = [study("1", "done"), study("2", "todo"), study("3", "draft"), study("4", "done")];

  it("is the next case not done, in the worklist's order, wrapping round", () => {
    expect(nextCase(cases, "1")?.studyInstanceUid).toBe("2");
    expect(nextCase(cases, "2")?.studyInstanceUid).toBe("3");
    expect(nextCase(cases, "3")?.studyInstanceUid).toBe("2");
    expect(nextCase(cases, "4")?.studyInstanceUid).toBe("2");
  });

  it("is none when every other case is done", () => {
    expect(nextCase([study("1", "done"), study("2", "draft")], "2")).toBeUndefined();
    expect(nextCase([], "1")).toBeUndefined();
  });
});

describe("blind", () => {
  it("drops dates and descriptions, keeps the rest", () => {
    const dataset = {
      [Tag.StudyDate]: { vr: "DA", Value: ["20240102"] },
      [Tag.StudyDescription]: { vr: "LO", Value: ["CT chest"] },
      [Tag.SeriesDescription]: { vr: "LO", Value: ["Axial 1mm"] },
      [Tag.PatientName]: { vr: "PN", Value: [{ Alphabetic: "Anon^1" }] },
      [Tag.Modality]: { vr: "CS", Value: ["CT"] },
    };
    expect(Object.keys(blind(dataset)).sort()).toEqual([Tag.Modality, Tag.PatientName].sort());
    expect(Object.keys(dataset)).toHaveLength(5); // the original is left as it was
  });
});
