import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpError } from "../dicomweb/client";
import { ReviewClient } from "./client";

describe("ReviewClient", () => {
  afterEach(() => vi.unstubAllGlobals());

  function stub(status: number, body: unknown, contentType = "application/json") {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": contentType } });
    });
    return calls;
  }

  it("asks the contract's routes", async () => {
    const calls = stub(200, {});
    const client = new ReviewClient("/api");
    await client.readingSet("s 1");
    await client.worklist();
    await client.worklist("set-9");
    await client.finding("1.2.3", "set-9");
    await client.saveFinding("1.2.3", { values: { diagnosis: "x" }, comment: "c", complete: true, updatedAt: "2026-01-01" });
    await client.createShareLink("s1", { label: "Dr. X", expiresInHours: 168, studyInstanceUid: null });
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      "GET /api/reading-sets/s%201",
      "GET /api/review/worklist",
      "GET /api/review/worklist?readingSet=set-9",
      "GET /api/review/findings/1.2.3?readingSet=set-9",
      "PUT /api/review/findings/1.2.3",
      "POST /api/reading-sets/s1/share-links",
    ]);
    expect(JSON.parse(String(calls[4]!.init.body))).toEqual({ values: { diagnosis: "x" }, comment: "c", complete: true });
    expect(calls[4]!.init.keepalive).toBe(true); // a save as the page is left still arrives
    expect(client.findingsCsvUrl("s1")).toBe("/api/reading-sets/s1/findings.csv");
  });

  it("throws the server's problem, with its field errors", async () => {
    stub(400, { title: "The finding is not complete", detail: "Fill in the required fields.", status: 400, errors: { diagnosis: ["Diagnosis is required."] } }, "application/problem+json");
    const error = await new ReviewClient("/api").saveFinding("1.2", { values: {}, comment: "", complete: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).problem["errors"]).toEqual({ diagnosis: ["Diagnosis is required."] });
  });

  it("calls back on 401 (the session has ended)", async () => {
    stub(401, {});
    let called = 0;
    await new ReviewClient("/api", () => called++).revokeShareLink("l1").catch(() => {});
    expect(called).toBe(1);
  });
});
