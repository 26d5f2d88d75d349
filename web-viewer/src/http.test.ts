import { describe, expect, it } from "vitest";
import { HttpError } from "./dicomweb/client";
import { fieldErrors } from "./http";

describe("fieldErrors", () => {
  it("reads the ProblemDetails errors of a 400", () => {
    const error = new HttpError(400, "Invalid node", undefined, "/api/dicom-nodes/x", { errors: { aeTitle: ["too long"], port: "out of range" } });
    expect(fieldErrors(error)).toEqual({ aeTitle: ["too long"], port: ["out of range"] });
    expect(fieldErrors(new HttpError(500, "Error", undefined, "/"))).toEqual({});
    expect(fieldErrors(new Error("x"))).toEqual({});
  });
});
