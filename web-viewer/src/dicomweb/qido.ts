/** What the worklist asks for: one free text (name, patient ID or accession number), a date range and a modality. */
export interface WorklistSearch {
  text: string;
  /** YYYY-MM-DD (an `<input type=date>` value) or empty. */
  dateFrom: string;
  dateTo: string;
  modality: string;
}

/** The study attributes the worklist shows, beyond QIDO's defaults (PS3.18 Table 10.6.3-3). */
export const worklistFields = [
  "StudyDescription",
  "NumberOfStudyRelatedSeries",
  "NumberOfStudyRelatedInstances",
  "ModalitiesInStudy",
] as const;

/** A DA range matching key (PS3.4 C.2.2.2.5) from two YYYY-MM-DD values, either may be empty; undefined for none. */
export function studyDateRange(from: string, to: string): string | undefined {
  const da = (d: string) => d.replaceAll("-", "");
  if (!from && !to) return undefined;
  if (from && to) return `${da(from)}-${da(to)}`;
  return from ? `${da(from)}-` : `-${da(to)}`;
}

/** A prefix match for a single-valued key: the text with `*` appended, unless it already holds a wildcard. */
export function prefixMatch(text: string): string {
  return /[*?]/.test(text) ? text : `${text}*`;
}

/**
 * The QIDO study queries for a worklist search, as query strings. The free text could be a patient's name, a patient ID
 * or an accession number and nothing in its shape tells them apart reliably (IDs hold letters, names may hold digits),
 * so one query per key is made (name with fuzzy matching, ID and accession by prefix) and the caller merges the answers
 * by Study Instance UID. No text: one query.
 */
export function studyQueries(search: WorklistSearch, limit: number, offset: number): string[] {
  const common = new URLSearchParams();
  common.set("includefield", worklistFields.join(","));
  const dates = studyDateRange(search.dateFrom, search.dateTo);
  if (dates) common.set("StudyDate", dates);
  if (search.modality) common.set("ModalitiesInStudy", search.modality);
  common.set("limit", String(limit));
  common.set("offset", String(offset));
  const text = search.text.trim();
  if (!text) return [common.toString()];
  // "Family, Given" as people type it is Family^Given in DICOM.
  const name = text.includes(",") ? text.split(",").map((p) => p.trim()).join("^") : text;
  const byName = new URLSearchParams(common);
  byName.set("PatientName", name);
  byName.set("fuzzymatching", "true");
  const byId = new URLSearchParams(common);
  byId.set("PatientID", prefixMatch(text));
  const byAccession = new URLSearchParams(common);
  byAccession.set("AccessionNumber", prefixMatch(text));
  return [byName.toString(), byId.toString(), byAccession.toString()];
}
