/** One body part of a multipart/related message (RFC 2387): its headers (names lower-cased) and its bytes. */
export interface BodyPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The `boundary` parameter of a multipart Content-Type header, unquoted; undefined when there is none. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Splits a multipart/related body (RFC 2046 5.1.1) into its parts. The parts' bodies are views into `body`, not copies.
 * Preamble, transport padding after a delimiter and the epilogue are ignored; a body without the closing delimiter
 * (a truncated response) throws.
 */
export function parseMultipart(body: Uint8Array, boundary: string): BodyPart[] {
  const encoder = new TextEncoder();
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const decoder = new TextDecoder();
  // The first delimiter may open the body without the CRLF before it.
  let at: number;
  if (indexOfBytes(body.subarray(0, dashBoundary.length), dashBoundary, 0) === 0) {
    at = 0;
  } else {
    const first = indexOfBytes(body, delimiter, 0);
    if (first === -1) throw new Error("multipart body without its boundary");
    at = first + 2;
  }
  const parts: BodyPart[] = [];
  for (;;) {
    at += dashBoundary.length;
    if (body[at] === DASH && body[at + 1] === DASH) return parts;
    // Skip transport padding up to the end of the delimiter line.
    while (at < body.length && body[at] !== LF) at++;
    at++;
    const headersEnd = indexOfBytes(body, encoder.encode("\r\n\r\n"), at);
    let headers: Record<string, string>;
    let start: number;
    if (body[at] === CR && body[at + 1] === LF) {
      headers = {};
      start = at + 2;
    } else {
      if (headersEnd === -1) throw new Error("multipart part without the end of its headers");
      headers = parseHeaders(decoder.decode(body.subarray(at, headersEnd)));
      start = headersEnd + 4;
    }
    const end = indexOfBytes(body, delimiter, start);
    if (end === -1) throw new Error("multipart body truncated: no closing boundary");
    parts.push({ headers, body: body.subarray(start, end) });
    at = end + 2;
  }
}
