import type { RequestOptions } from "../dicomweb/client";
import { JsonApi } from "../http";

export type FieldType = "choice" | "text" | "number";

/** One field of a reading set's findings form. */
export interface FormField {
  /** `[a-z0-9_-]{1,40}`: the key of the finding's values and the CSV's column. */
  id: string;
  label: string;
  type: FieldType;
  /** The choices of a `choice` field. */
  options?: string[];
  required: boolean;
  min?: number | null;
  max?: number | null;
}

/** A reading set's findings form (every finding also has a free-text comment). */
export interface FindingsForm {
  fields: FormField[];
}

/** The PS3.15 options an owner can choose for a set's de-identified copies. */
export interface DeidentificationProfile {
  retainModifiedDates: boolean;
  retainPatientCharacteristics: boolean;
  retainDeviceIdentity: boolean;
  retainInstitutionIdentity: boolean;
  retainDescriptors: boolean;
}

export type SetState = "preparing" | "ready" | "partial" | "failed";
export type CopyState = "queued" | "running" | "completed" | "failed";

/** A series the de-identification left out, and why (e.g. possibly burned-in annotations). */
export interface HeldBackSeries {
  seriesInstanceUid: string;
  instances: number;
  reason: string;
}

/** A study of a reading set (owner view): the original and its de-identified copy. */
export interface SetStudy {
  position: number;
  label: string;
  originalStudyInstanceUid: string;
  /** The de-identified copy's UID; null until the copy job has reported it. */
  studyInstanceUid: string | null;
  state: CopyState;
  total: number;
  done: number;
  heldBack: HeldBackSeries[];
  error: string | null;
}

export interface SetProgress {
  studies: number;
  studiesDone: number;
  instances: number;
  instancesDone: number;
}

/** A reading set as its owner sees it. */
export interface ReadingSet {
  id: string;
  name: string;
  owner: string;
  state: SetState;
  blinded: boolean;
  order: "fixed" | "random";
  profile: DeidentificationProfile;
  form: FindingsForm;
  createdAt: string;
  progress: SetProgress;
  studies: SetStudy[];
}

/** What `POST /api/reading-sets` takes (the studies by UID here; the service also takes a QIDO-like query). */
export interface ReadingSetRequest {
  name: string;
  studyInstanceUids: string[];
  profile: DeidentificationProfile;
  blinded: boolean;
  order: "fixed" | "random";
  /** Absent: the service's default form (one required text field, "Diagnosis"). */
  form?: FindingsForm;
}

/** A share link of a set (the owner sees its token, to copy it again). */
export interface ShareLink {
  id: string;
  readingSetId: string;
  label: string;
  /** The one de-identified study the link shows, or null for the whole set. */
  studyInstanceUid: string | null;
  token: string;
  /** `/review/{token}`: relative to the gateway. */
  url: string;
  expiresAt: string;
  revokedAt: string | null;
  createdAt: string;
}

export interface ShareLinkRequest {
  label: string;
  expiresInHours: number;
  studyInstanceUid: string | null;
}

/** One pseudonym of a set's de-identification (owner only). */
export interface MappingEntry {
  kind: "patient" | "study" | "series" | "instance";
  original: string;
  pseudonym: string;
}

export type CaseStatus = "todo" | "draft" | "done";

/** A case of the reviewer's worklist; the dates and descriptions only when the set is not blinded. */
export interface ReviewStudy {
  studyInstanceUid: string;
  position: number;
  label: string;
  status: CaseStatus;
  studyDate?: string | null;
  studyDescription?: string | null;
  modalities?: string[] | string | null;
  instances?: number | null;
}

/** The reviewer's worklist: the set's cases in its order (random: shuffled per reviewer, stable for them). */
export interface ReviewWorklist {
  readingSetId: string;
  name: string;
  blinded: boolean;
  form: FindingsForm;
  total: number;
  done: number;
  studies: ReviewStudy[];
}

export type FieldValue = string | number;

/** A reviewer's finding on one case: a draft until `complete`. */
export interface Finding {
  values: Record<string, FieldValue | null>;
  comment: string;
  complete: boolean;
  updatedAt?: string | null;
}

/** The `?readingSet=` of an OIDC reviewer's requests (a share-link session's set comes from its cookie). */
const setQuery = (readingSet: string | undefined) => (readingSet ? `?readingSet=${encodeURIComponent(readingSet)}` : "");
const id = encodeURIComponent;

/**
 * A client of the review service (THE CONTRACT of issue 10, under `/api`): reading sets, share links, exports and the
 * mapping for owners; the worklist and findings for reviewers.
 */
export class ReviewClient extends JsonApi {
  /** The caller's reading sets (an admin's: all). */
  readingSets(options?: RequestOptions): Promise<ReadingSet[]> {
    return this.json("GET", "/reading-sets", undefined, options);
  }

  readingSet(setId: string, options?: RequestOptions): Promise<ReadingSet> {
    return this.json("GET", `/reading-sets/${id(setId)}`, undefined, options);
  }

  /** Creates a set: the de-identified copies are made in the background (follow `readingSet(id).progress`). */
  createReadingSet(request: ReadingSetRequest): Promise<ReadingSet> {
    return this.json("POST", "/reading-sets", request);
  }

  /** Deletes a set: its links are revoked; the copies stay in the archive. */
  async deleteReadingSet(setId: string): Promise<void> {
    await this.request("DELETE", `/reading-sets/${id(setId)}`);
  }

  mapping(setId: string, options?: RequestOptions): Promise<MappingEntry[]> {
    return this.json("GET", `/reading-sets/${id(setId)}/mapping`, undefined, options);
  }

  shareLinks(setId: string, options?: RequestOptions): Promise<ShareLink[]> {
    return this.json("GET", `/reading-sets/${id(setId)}/share-links`, undefined, options);
  }

  createShareLink(setId: string, request: ShareLinkRequest): Promise<ShareLink> {
    return this.json("POST", `/reading-sets/${id(setId)}/share-links`, request);
  }

  /** Revokes a link: the gateway refuses its session at once. */
  async revokeShareLink(linkId: string): Promise<void> {
    await this.request("DELETE", `/share-links/${id(linkId)}`);
  }

  /** The findings as CSV (one row per finding): a URL for a download link. */
  findingsCsvUrl(setId: string): string {
    return `${this.root}/reading-sets/${id(setId)}/findings.csv`;
  }

  /** Stores a DICOM Basic Text SR per complete finding in its de-identified study. */
  exportSr(setId: string): Promise<{ instances: { studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUid: string }[] }> {
    return this.json("POST", `/reading-sets/${id(setId)}/findings/sr`);
  }

  /** The reviewer's worklist: the set of the share-link session, or `readingSet` for an OIDC reviewer. */
  worklist(readingSet?: string, options?: RequestOptions): Promise<ReviewWorklist> {
    return this.json("GET", `/review/worklist${setQuery(readingSet)}`, undefined, options);
  }

  /** The reviewer's finding on a case (an empty one when there is none yet). */
  finding(study: string, readingSet?: string, options?: RequestOptions): Promise<Finding> {
    return this.json("GET", `/review/findings/${id(study)}${setQuery(readingSet)}`, undefined, options);
  }

  /** Saves the finding: a draft may be partial; `complete` needs every required field (else a 400 with `errors`). */
  saveFinding(study: string, finding: Finding, readingSet?: string): Promise<Finding> {
    // keepalive: a save started as the page is reloaded or closed still reaches the service.
    return this.json("PUT", `/review/findings/${id(study)}${setQuery(readingSet)}`, { values: finding.values, comment: finding.comment, complete: finding.complete }, { keepalive: true });
  }
}
