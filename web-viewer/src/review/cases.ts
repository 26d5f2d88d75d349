import { Tag, type DicomJsonDataset } from "../dicomweb/dicomJson";
import type { CopyState, HeldBackSeries, ReadingSet, ReviewStudy, ReviewWorklist, SetState } from "./client";

/** The set's job in words: "3 of 5 studies · 120 of 200 instances". */
export function describeSetProgress(set: Pick<ReadingSet, "progress">): string {
  const p = set.progress;
  return `${p.studiesDone} of ${p.studies} studies · ${p.instancesDone} of ${p.instances} instances`;
}

/** Whether the set's copies are still being made (its page polls it meanwhile). */
export const preparing = (state: SetState): boolean => state === "preparing";

const setStates: Record<SetState, string> = { preparing: "Preparing", ready: "Ready", partial: "Ready, with gaps", failed: "Failed" };
/** A set's state for people. */
export const describeSetState = (state: SetState): string => setStates[state] ?? state;

const copyStates: Record<CopyState, string> = { queued: "queued", running: "de-identifying", completed: "ready", failed: "failed" };
/** A study's copy in words: "de-identifying 40 of 120", "ready", "failed: …". */
export function describeCopy(study: { state: CopyState; done: number; total: number; error: string | null }): string {
  if (study.state === "running") return `de-identifying ${study.done} of ${study.total}`;
  if (study.state === "failed") return `failed${study.error ? `: ${study.error}` : ""}`;
  return copyStates[study.state] ?? study.state;
}

/** A held-back series in words: "3 instances held back: possible burned-in annotation". */
export const describeHeldBack = (h: HeldBackSeries): string => `${h.instances} ${h.instances === 1 ? "instance" : "instances"} held back: ${h.reason}`;

/** The reviewer's progress: "2 of 5 done". */
export const describeDone = (w: Pick<ReviewWorklist, "done" | "total">): string => `${w.done} of ${w.total} done`;

/**
 * The case after `current` in the worklist's order that is not done yet (wrapping round to the start), or undefined
 * when every other case is done.
 */
export function nextCase(studies: ReviewStudy[], current: string): ReviewStudy | undefined {
  const at = studies.findIndex((s) => s.studyInstanceUid === current);
  for (let i = 1; i <= studies.length; i++) {
    const candidate = studies[(at + i) % studies.length]!;
    if (candidate.studyInstanceUid !== current && candidate.status !== "done") return candidate;
  }
  return undefined;
}

/** What a blinded set's reviewer must not see: the study's and series' dates, times and descriptions. */
const blindedTags = [Tag.StudyDate, Tag.StudyTime, Tag.StudyDescription, Tag.SeriesDescription, "00080021", "00080022", "00080023", "00080031", "00080032", "00080033", "00081032"];

/** A copy of the dataset without dates, times and descriptions (what a blinded set's viewer shows). */
export function blind(dataset: DicomJsonDataset): DicomJsonDataset {
  const copy = { ...dataset };
  for (const tag of blindedTags) delete copy[tag];
  return copy;
}

/** A case's modalities as one text ("CT, MR"), whether the service sent a list or a string. */
export const modalitiesText = (m: ReviewStudy["modalities"]): string => (Array.isArray(m) ? m.join(", ") : (m ?? ""));
