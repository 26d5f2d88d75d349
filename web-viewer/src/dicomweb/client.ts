import type { DicomJsonDataset } from "./dicomJson";
import { multipartBoundary, parseMultipart } from "./multipart";

/**
 * A refused or failed request: the HTTP status and, when the server sent ProblemDetails (RFC 9457), its title and detail,
 * and the whole problem object (extensions such as validation `errors`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly url: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(`${status} ${title}${detail ? `: ${detail}` : ""}`);
    this.name = "HttpError";
  }

  /** The error of a response that is not OK, reading its problem+json body when it has one. */
  static async from(response: Response): Promise<HttpError> {
    let title = response.statusText || "Request failed";
    let detail: string | undefined;
    let problem: Record<string, unknown> = {};
    if ((response.headers.get("Content-Type") ?? "").includes("json")) {
      try {
        const body: unknown = await response.json();
        if (typeof body === "object" && body !== null) problem = body as Record<string, unknown>;
        if (typeof problem["title"] === "string") title = problem["title"];
        if (typeof problem["detail"] === "string") detail = problem["detail"];
      } catch {
        // A body that is not JSON after all: the status line says enough.
      }
    }
    return new HttpError(response.status, title, detail, response.url, problem);
  }
}

/** One page of search results (PS3.18 10.6.3): `more` when the server's Warning says further results can be requested. */
export interface SearchPage {
  matches: DicomJsonDataset[];
  more: boolean;
}

/** Explicit VR Little Endian frames, which the server transcodes compressed ones to (PS3.18 8.7.3.5.1). */
export const uncompressedFrames = 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1';

/** Options of a request: cancellation; `keepalive`: the request outlives the page (a last save as it is left). */
export interface RequestOptions {
  signal?: AbortSignal;
  keepalive?: boolean;
}

/**
 * A DICOMweb client (PS3.18) for one service root, with methods named after the transactions. Requests are same-origin
 * and authenticated by the gateway's session cookie; a 401 calls `onUnauthorized` (the app sends the browser to the login
 * page) before the error is thrown.
 */
export class DicomWebClient {
  constructor(
    readonly root: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  private async request(url: string, accept: string, options: RequestOptions = {}): Promise<Response> {
    const response = await fetch(url, { headers: { Accept: accept }, credentials: "same-origin", signal: options.signal ?? null });
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw await HttpError.from(response);
    return response;
  }

  private async search(path: string, query: string, options?: RequestOptions): Promise<SearchPage> {
    const response = await this.request(`${this.root}${path}${query ? `?${query}` : ""}`, "application/dicom+json", options);
    const text = await response.text();
    const matches = text ? (JSON.parse(text) as DicomJsonDataset[]) : [];
    return { matches, more: (response.headers.get("Warning") ?? "").includes("Additional results") };
  }

  /** Search for Studies (PS3.18 10.6.1, `GET /studies?…`). */
  searchForStudies(query: string, options?: RequestOptions): Promise<SearchPage> {
    return this.search("/studies", query, options);
  }

  /** Search for Series of a study (`GET /studies/{study}/series?…`). */
  searchForSeries(study: string, query = "", options?: RequestOptions): Promise<SearchPage> {
    return this.search(`/studies/${study}/series`, query, options);
  }

  /** Retrieve Series Metadata (PS3.18 10.4.1.1.2, `GET …/series/{series}/metadata`): one DICOM JSON dataset per instance. */
  async retrieveSeriesMetadata(study: string, series: string, options?: RequestOptions): Promise<DicomJsonDataset[]> {
    const response = await this.request(`${this.root}/studies/${study}/series/${series}/metadata`, "application/dicom+json", options);
    return (await response.json()) as DicomJsonDataset[];
  }

  /**
   * Retrieve Frames (PS3.18 10.4.1.1.6) uncompressed, in Explicit VR Little Endian: one byte array per frame asked, in
   * the order asked (views into one buffer).
   */
  async retrieveInstanceFrames(study: string, series: string, instance: string, frames: number[], options?: RequestOptions): Promise<Uint8Array[]> {
    const url = `${this.root}/studies/${study}/series/${series}/instances/${instance}/frames/${frames.join(",")}`;
    const response = await this.request(url, uncompressedFrames, options);
    const boundary = multipartBoundary(response.headers.get("Content-Type") ?? "");
    if (!boundary) throw new Error(`${url}: the response is not multipart`);
    const parts = parseMultipart(new Uint8Array(await response.arrayBuffer()), boundary);
    if (parts.length !== frames.length) throw new Error(`${url}: ${parts.length} parts for ${frames.length} frames`);
    return parts.map((p) => p.body);
  }

  /** Retrieve Rendered Frame (PS3.18 10.4.1.1.3) as a JPEG: the URL, for an image element or a fetch. */
  renderedFrameUrl(study: string, series: string, instance: string, frame = 1): string {
    return `${this.root}/studies/${study}/series/${series}/instances/${instance}/frames/${frame}/rendered`;
  }

  /** Retrieve Rendered Frame as a decoded bitmap (the path for colour images and anything the viewer cannot decode). */
  async retrieveRenderedFrame(study: string, series: string, instance: string, frame = 1, options?: RequestOptions): Promise<ImageBitmap> {
    const response = await this.request(this.renderedFrameUrl(study, series, instance, frame), "image/jpeg", options);
    return createImageBitmap(await response.blob());
  }

  /** The study's thumbnail (PS3.18 10.4.1.1.4). */
  studyThumbnailUrl(study: string): string {
    return `${this.root}/studies/${study}/thumbnail`;
  }

  /** A series' thumbnail (PS3.18 10.4.1.1.4). */
  seriesThumbnailUrl(study: string, series: string): string {
    return `${this.root}/studies/${study}/series/${series}/thumbnail`;
  }
}
