/** One attribute of the DICOM JSON model (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

/** A dataset in the DICOM JSON model: attributes keyed by their tag as 8 upper-case hex digits. */
export type DicomJsonDataset = Record<string, DicomJsonAttribute | undefined>;

/** Tags the viewer reads, named by their keyword (PS3.6). */
export const Tag = {
  SpecificCharacterSet: "00080005",
  SOPInstanceUID: "00080018",
  StudyDate: "00080020",
  StudyTime: "00080030",
  AccessionNumber: "00080050",
  Modality: "00080060",
  ModalitiesInStudy: "00080061",
  StudyDescription: "00081030",
  SeriesDescription: "0008103E",
  PatientName: "00100010",
  PatientID: "00100020",
  SliceThickness: "00180050",
  StudyInstanceUID: "0020000D",
  SeriesInstanceUID: "0020000E",
  SeriesNumber: "00200011",
  InstanceNumber: "00200013",
  ImagePositionPatient: "00200032",
  ImageOrientationPatient: "00200037",
  SliceLocation: "00201041",
  NumberOfStudyRelatedSeries: "00201206",
  NumberOfStudyRelatedInstances: "00201208",
  NumberOfSeriesRelatedInstances: "00201209",
  SamplesPerPixel: "00280002",
  PhotometricInterpretation: "00280004",
  NumberOfFrames: "00280008",
  Rows: "00280010",
  Columns: "00280011",
  PixelSpacing: "00280030",
  BitsAllocated: "00280100",
  BitsStored: "00280101",
  HighBit: "00280102",
  PixelRepresentation: "00280103",
  WindowCenter: "00281050",
  WindowWidth: "00281051",
  RescaleIntercept: "00281052",
  RescaleSlope: "00281053",
} as const;

function values(dataset: DicomJsonDataset, tag: string): unknown[] {
  return dataset[tag]?.Value ?? [];
}

/** The first value of a string attribute (a PN as its alphabetic group), or undefined. */
export function stringValue(dataset: DicomJsonDataset, tag: string): string | undefined {
  const value = values(dataset, tag)[0];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (value && typeof value === "object" && "Alphabetic" in value) {
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === "string" ? alphabetic : undefined;
  }
  return undefined;
}

/** Every value of a multi-valued string attribute (e.g. ModalitiesInStudy). */
export function stringValues(dataset: DicomJsonDataset, tag: string): string[] {
  return values(dataset, tag).filter((v): v is string => typeof v === "string");
}

/** Every value of a numeric attribute (IS and DS come as JSON numbers, but tolerate strings). */
export function numberValues(dataset: DicomJsonDataset, tag: string): number[] {
  return values(dataset, tag)
    .map((v) => (typeof v === "number" ? v : typeof v === "string" ? Number(v) : Number.NaN))
    .filter((v) => Number.isFinite(v));
}

/** The first value of a numeric attribute, or undefined. */
export function numberValue(dataset: DicomJsonDataset, tag: string): number | undefined {
  return numberValues(dataset, tag)[0];
}

/**
 * A person name for people: `Family^Given^Middle^Prefix^Suffix` (PS3.5 6.2) becomes "Family, Given Middle"
 * (prefix and suffix around it when present); a name with one component stays as it is.
 */
export function formatPersonName(name: string | undefined): string {
  if (!name) return "";
  const [family = "", given = "", middle = "", prefix = "", suffix = ""] = name.split("=")[0]!.split("^").map((p) => p.trim());
  const forenames = [prefix, given, middle].filter(Boolean).join(" ");
  const full = family && forenames ? `${family}, ${forenames}` : family || forenames;
  return suffix ? `${full} ${suffix}` : full;
}

/** A DA value (YYYYMMDD) as YYYY-MM-DD; anything else as it is. */
export function formatDate(date: string | undefined): string {
  if (!date) return "";
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : date;
}
