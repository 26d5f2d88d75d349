import type { DicomNode, EchoResult } from "./client";

/** A node with the form's defaults: query/retrieve by C-MOVE, both store directions. */
export function emptyNode(): DicomNode {
  return { name: "", aeTitle: "", host: "", port: 104, query: true, retrieveMethod: "C-MOVE", storeTo: true, storeFrom: true, tls: false, description: "" };
}

const hostName = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const ipv6 = /^\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]?$/;

/**
 * The problems of a node, by field, with the server's rules and words (the service's `DicomNode.Validate`): name of 1–64
 * letters, digits, `.`, `_`, `-`; AE title of 1–16 printable ASCII characters (trimmed), not only spaces, no backslash;
 * a host name or IP address; a port in 1–65535; a description of at most 1024 characters. Empty when the node is valid.
 */
export function validateNode(node: DicomNode): Partial<Record<keyof DicomNode, string>> {
  const problems: Partial<Record<keyof DicomNode, string>> = {};
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(node.name)) problems.name = "The name must be 1 to 64 letters, digits, '.', '_' or '-'.";
  const ae = node.aeTitle.trim();
  if (ae.length === 0 || ae.length > 16 || !/^[\x20-\x7e]*$/.test(node.aeTitle) || node.aeTitle.includes("\\")) {
    problems.aeTitle = "The AE title must be 1 to 16 printable ASCII characters, not only spaces, without a backslash.";
  }
  if (!hostName.test(node.host) && !ipv6.test(node.host)) problems.host = "The host must be a host name or an IP address.";
  if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) problems.port = "The port must be between 1 and 65535.";
  if (node.description.length > 1024) problems.description = "The description must be at most 1024 characters.";
  return problems;
}

/** What the node is used for, in words: "query/retrieve (C-MOVE) · we send to it · it sends to us". */
export function describeDirections(node: DicomNode): string {
  const parts: string[] = [];
  if (node.query) parts.push(`query/retrieve (${node.retrieveMethod})`);
  if (node.storeTo) parts.push("we send to it");
  if (node.storeFrom) parts.push("it sends to us");
  return parts.join(" · ") || "none";
}

/** The services an echo found the peer accepting, e.g. "accepts echo, find, move; not get" (empty without an association). */
export function describeServices(result: EchoResult): string {
  const names = ["echo", "find", "move", "get"] as const;
  const accepted = names.filter((n) => result.services[n]);
  if (accepted.length === 0) return "";
  const refused = names.filter((n) => !result.services[n]);
  return `accepts ${accepted.join(", ")}${refused.length ? `; not ${refused.join(", ")}` : ""}`;
}

/** Whether the peer refused a service the node is configured for: FIND and the retrieve method when it is queried. */
export function lacksService(result: EchoResult, node: DicomNode): boolean {
  return node.query && (!result.services.find || !(node.retrieveMethod === "C-GET" ? result.services.get : result.services.move));
}
