import { HttpError, type RequestOptions } from "./dicomweb/client";

/** The field messages of a 400 answer (ProblemDetails `errors`), or an empty object. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  if (!(error instanceof HttpError)) return {};
  const errors = error.problem["errors"];
  if (typeof errors !== "object" || errors === null) return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(errors)) {
    if (Array.isArray(messages)) result[field] = messages.map(String);
    else if (typeof messages === "string") result[field] = [messages];
  }
  return result;
}

/**
 * A JSON REST API under one root (the PACS and review services, through the gateway): same-origin requests
 * authenticated by the gateway's session cookie; a 401 calls `onUnauthorized` before the error is thrown; other
 * failures are `HttpError`s carrying the server's ProblemDetails.
 */
export class JsonApi {
  constructor(
    readonly root: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  protected async request(method: string, path: string, body?: unknown, options: RequestOptions = {}, accept = "application/json"): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`${this.root}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: "same-origin",
      signal: options.signal ?? null,
      keepalive: options.keepalive ?? false,
    });
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw await HttpError.from(response);
    return response;
  }

  protected async json<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return (await (await this.request(method, path, body, options)).json()) as T;
  }
}
