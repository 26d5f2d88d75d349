import type { DicomNode, EchoResult } from "./client";

/** A node with the form's defaults: query/retrieve by C-MOVE, both store directions. */
export function emptyNode(): DicomNode {
  return { name: "", aeTitle: "", host: "", port: 104, query: true, retrieveMethod: "C-MOVE", storeTo: true, storeFrom: true, tls: false, description: "" };
}

/**
 * The problems of a node, by field, as the server checks them (THE CONTRACT): name of 1–64 letters, digits, `.`, `_`,
 * `-`; AE title of 1–16 characters of the AE value representation (printable ASCII, no backslash, not only spaces);
 * a host; a port in 1–65535. Empty when the node is valid.
 */
export function validateNode(node: DicomNode): Partial<Record<keyof DicomNode, string>> {
  const problems: Partial<Record<keyof DicomNode, string>> = {};
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(node.name)) problems.name = "Name: 1–64 letters, digits, '.', '_' or '-'.";
  const ae = node.aeTitle.trim();
  if (ae.length === 0 || node.aeTitle.length > 16 || !/^[\x20-\x7e]*$/.test(node.aeTitle) || node.aeTitle.includes("\\")) {
    problems.aeTitle = "AE title: 1–16 printable ASCII characters, no backslash.";
  }
  if (!node.host.trim() || /\s/.test(node.host.trim())) problems.host = "Host: a host name or IP address.";
  if (!Number.isInteger(node.port) || node.port < 1 || node.port > 65535) problems.port = "Port: a number from 1 to 65535.";
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
