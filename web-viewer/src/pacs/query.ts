import { prefixMatch, studyDateRange, type WorklistSearch } from "../dicomweb/qido";

/**
 * The remote study queries (`GET /api/dicom-nodes/{name}/studies`) for a worklist search, as query strings: the same
 * filters as the local worklist, as C-FIND matching keys. The free text is a name, a patient ID or an accession number,
 * so, as locally, one query per key (each a prefix match: C-FIND has no fuzzy matching) and the caller merges the
 * answers by Study Instance UID; no text: one query. C-FIND has no paging: `limit` caps each answer.
 */
export function remoteStudyQueries(search: WorklistSearch, limit: number): string[] {
  const common = new URLSearchParams();
  const dates = studyDateRange(search.dateFrom, search.dateTo);
  if (dates) common.set("StudyDate", dates);
  if (search.modality) common.set("ModalitiesInStudy", search.modality);
  common.set("limit", String(limit));
  const text = search.text.trim();
  if (!text) return [common.toString()];
  const name = text.includes(",") ? text.split(",").map((p) => p.trim()).join("^") : text;
  return [
    ["PatientName", prefixMatch(name)],
    ["PatientID", prefixMatch(text)],
    ["AccessionNumber", prefixMatch(text)],
  ].map(([key, value]) => {
    const query = new URLSearchParams(common);
    query.set(key!, value!);
    return query.toString();
  });
}
