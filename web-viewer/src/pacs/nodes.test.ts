import { describe, expect, it } from "vitest";
import { describeDirections, describeServices, emptyNode, lacksService, validateNode } from "./nodes";

describe("validateNode", () => {
  const valid = { ...emptyNode(), name: "PACS-1.main_a", aeTitle: "ORTHANC", host: "127.0.0.1", port: 4242 };

  it("accepts a valid node", () => {
    expect(validateNode(valid)).toEqual({});
    expect(validateNode({ ...valid, aeTitle: "SIXTEEN_CHARS_AE", port: 65535 })).toEqual({});
    expect(validateNode({ ...valid, aeTitle: " PADDED AE TITLE  " })).toEqual({}); // 16 once trimmed
  });

  it("names each invalid field as the server does", () => {
    expect(Object.keys(validateNode({ ...valid, name: "with space" }))).toEqual(["name"]);
    expect(Object.keys(validateNode({ ...valid, name: "x".repeat(65) }))).toEqual(["name"]);
    expect(Object.keys(validateNode({ ...valid, aeTitle: "SEVENTEEN_CHARS_A" }))).toEqual(["aeTitle"]);
    expect(Object.keys(validateNode({ ...valid, aeTitle: "BACK\\SLASH" }))).toEqual(["aeTitle"]);
    expect(Object.keys(validateNode({ ...valid, aeTitle: "   " }))).toEqual(["aeTitle"]);
    expect(Object.keys(validateNode({ ...valid, aeTitle: "ÄRZTE" }))).toEqual(["aeTitle"]);
    expect(Object.keys(validateNode({ ...valid, host: "" }))).toEqual(["host"]);
    expect(Object.keys(validateNode({ ...valid, host: "pacs host" }))).toEqual(["host"]);
    expect(Object.keys(validateNode({ ...valid, host: "-pacs" }))).toEqual(["host"]);
    expect(validateNode({ ...valid, host: "pacs-1.hospital.org" })).toEqual({});
    expect(validateNode({ ...valid, host: "::1" })).toEqual({});
    expect(Object.keys(validateNode({ ...valid, description: "x".repeat(1025) }))).toEqual(["description"]);
    expect(Object.keys(validateNode({ ...valid, port: 0 }))).toEqual(["port"]);
    expect(Object.keys(validateNode({ ...valid, port: 65536 }))).toEqual(["port"]);
    expect(Object.keys(validateNode({ ...valid, port: NaN }))).toEqual(["port"]);
  });
});

describe("node descriptions", () => {
  it("says what a node is used for", () => {
    expect(describeDirections({ ...emptyNode(), retrieveMethod: "C-GET" })).toBe("query/retrieve (C-GET) · we send to it · it sends to us");
    expect(describeDirections({ ...emptyNode(), query: false, storeFrom: false })).toBe("we send to it");
    expect(describeDirections({ ...emptyNode(), query: false, storeTo: false, storeFrom: false })).toBe("none");
  });

  it("lists the services an echo found", () => {
    const result = { ok: true, milliseconds: 3, problem: null, message: "", services: { echo: true, find: true, move: true, get: false } };
    expect(describeServices(result)).toBe("accepts echo, find, move; not get");
    expect(describeServices({ ...result, services: { echo: true, find: true, move: true, get: true } })).toBe("accepts echo, find, move, get");
    expect(describeServices({ ...result, ok: false, services: { echo: false, find: false, move: false, get: false } })).toBe("");
  });
});

describe("lacksService", () => {
  const echoOnly = { ok: true, milliseconds: 1, problem: null, message: "", services: { echo: true, find: false, move: false, get: false } };
  const noGet = { ...echoOnly, services: { echo: true, find: true, move: true, get: false } };

  it("flags a queried node whose peer refuses FIND or the retrieve method", () => {
    expect(lacksService(noGet, { ...emptyNode(), retrieveMethod: "C-GET" })).toBe(true);
    expect(lacksService(noGet, { ...emptyNode(), retrieveMethod: "C-MOVE" })).toBe(false);
    expect(lacksService(echoOnly, emptyNode())).toBe(true);
    expect(lacksService(echoOnly, { ...emptyNode(), query: false })).toBe(false);
  });
});
