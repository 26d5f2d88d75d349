import type { RequestOptions } from "../dicomweb/client";
import { JsonApi } from "../http";
import type { DicomJsonDataset } from "../dicomweb/dicomJson";

export type RetrieveMethod = "C-MOVE" | "C-GET";

/** A remote DICOM node of the registry (`/api/dicom-nodes`). */
export interface DicomNode {
  name: string;
  aeTitle: string;
  host: string;
  port: number;
  /** We query and retrieve from it. */
  query: boolean;
  retrieveMethod: RetrieveMethod;
  /** We send (and forward) to it. */
  storeTo: boolean;
  /** It stores to us. */
  storeFrom: boolean;
  tls: boolean;
  description: string;
}

/** Why an echo failed (null when it succeeded). */
export type EchoProblem =
  | "refused"
  | "unreachable"
  | "timeout"
  | "called-ae-rejected"
  | "calling-ae-rejected"
  | "rejected"
  | "aborted"
  | "no-presentation-context"
  | "tls"
  | "failed";

/** The answer of a C-ECHO test: one association proposing Verification, FIND, MOVE and GET. */
export interface EchoResult {
  ok: boolean;
  milliseconds: number;
  problem: EchoProblem | null;
  /** What happened and what to do, for people. */
  message: string;
  /** Which services the peer accepted (all false when no association was made). */
  services: { echo: boolean; find: boolean; move: boolean; get: boolean };
}

export type JobState = "queued" | "running" | "completed" | "partial" | "failed";

/** The progress of one series of a retrieval, from the peer's pending responses. */
export interface RetrievalSeries {
  seriesInstanceUid: string;
  modality: string | null;
  seriesNumber: string | null;
  description: string | null;
  /** The node's count of the series' instances, or its sub-operation total once it has answered. */
  expected: number;
  completed: number;
  failed: number;
  warning: number;
  state: JobState;
}

/** A retrieval job (C-MOVE or C-GET of a study, or some of its series, from a node). */
export interface Retrieval {
  id: string;
  node: string;
  studyInstanceUid: string;
  method: RetrieveMethod;
  state: JobState;
  /** Empty until the node has been asked which series it holds. */
  series: RetrievalSeries[];
  failedInstances: string[];
  error: string | null;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** What `POST /api/retrievals` takes: without `node`, the query-enabled nodes are asked in turn. */
export interface RetrievalRequest {
  studyInstanceUid: string;
  node?: string;
  seriesInstanceUids?: string[];
  method?: RetrieveMethod;
}

/**
 * A client of the PACS service's REST API (THE CONTRACT of issue 11, under `/api`): the node registry, C-ECHO tests,
 * remote study queries and retrievals. Same-origin, authenticated by the gateway's session cookie; a 401 calls
 * `onUnauthorized` before the error is thrown; other failures are `HttpError`s carrying the server's ProblemDetails.
 */
export class PacsClient extends JsonApi {
  /** Every registered node. */
  nodes(options?: RequestOptions): Promise<DicomNode[]> {
    return this.json("GET", "/dicom-nodes", undefined, options);
  }

  /** Creates or replaces the node of that name. */
  async saveNode(node: DicomNode): Promise<void> {
    await this.request("PUT", `/dicom-nodes/${encodeURIComponent(node.name)}`, node);
  }

  async deleteNode(name: string): Promise<void> {
    await this.request("DELETE", `/dicom-nodes/${encodeURIComponent(name)}`);
  }

  /** C-ECHO to a registered node. */
  echo(name: string, options?: RequestOptions): Promise<EchoResult> {
    return this.json("POST", `/dicom-nodes/${encodeURIComponent(name)}/echo`, undefined, options);
  }

  /** C-ECHO to a node that is not saved (the form's values). */
  echoUnsaved(node: DicomNode, options?: RequestOptions): Promise<EchoResult> {
    return this.json("POST", "/dicom-nodes/echo", node, options);
  }

  /** Study Root C-FIND at the node, with QIDO-like query parameters; DICOM JSON matches. */
  async searchStudies(name: string, query: string, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    const response = await this.request("GET", `/dicom-nodes/${encodeURIComponent(name)}/studies${query ? `?${query}` : ""}`, undefined, options, "application/dicom+json");
    const text = await response.text();
    return text ? (JSON.parse(text) as DicomJsonDataset[]) : [];
  }

  /** Starts a retrieval (or joins the unfinished one of the same study). */
  startRetrieval(request: RetrievalRequest): Promise<Retrieval> {
    return this.json("POST", "/retrievals", request);
  }

  retrieval(id: string, options?: RequestOptions): Promise<Retrieval> {
    return this.json("GET", `/retrievals/${encodeURIComponent(id)}`, undefined, options);
  }
}
