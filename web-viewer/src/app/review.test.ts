import { describe, expect, it } from "vitest";
import { HttpError } from "../dicomweb/client";
import { caseUrl, describeStatus, reviewFailure, reviewUrl } from "./review";

describe("the reviewer's pages", () => {
  it("link a case in review mode, carrying an OIDC reviewer's set", () => {
    expect(caseUrl("2.25.1", undefined)).toBe("/viewer?StudyInstanceUID=2.25.1&review=1");
    expect(caseUrl("2.25.1", "a b")).toBe("/viewer?StudyInstanceUID=2.25.1&review=1&readingSet=a%20b");
    expect(reviewUrl(undefined)).toBe("/review");
    expect(reviewUrl("s1")).toBe("/review?readingSet=s1");
    expect(describeStatus("draft")).toBe("Draft");
  });

  it("say what to do when the review is not available", () => {
    const gone = reviewFailure(new HttpError(404, "Not found", "You are not a reviewer of this reading set.", "/api/review/worklist"));
    expect(gone).toContain("You are not a reviewer of this reading set.");
    expect(gone).toContain("ask the sender for a new one");
    expect(reviewFailure(new HttpError(500, "Internal Server Error", undefined, "/"))).toBe("The review could not be loaded: 500 Internal Server Error");
  });
});
