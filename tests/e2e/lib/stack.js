// The running stack the tests talk to (started by ./dev.sh test, or any other): its addresses from dev.env's names in the
// environment, the development token, DICOMweb searches through the gateway, and DICOM sending (demo studies).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The gateway, the one origin of the viewer. */
export const baseUrl = `http://127.0.0.1:${process.env.ISOCENTER_GATEWAY_HTTP_PORT ?? "8080"}`;
/** A development token of the gateway (`ISOCENTER_TOKEN`; ./dev.sh mints it). */
export function token() {
  const value = process.env.ISOCENTER_TOKEN;
  if (!value) throw new Error("ISOCENTER_TOKEN is not set: run the end-to-end tests through ./dev.sh test (or set it yourself)");
  return value;
}
/** Ingest's DIMSE address: the AE title and port that peers store to (and C-MOVE to). */
export const dimse = { port: process.env.ISOCENTER_DIMSE_PORT ?? "11112", ae: process.env.ISOCENTER_DIMSE_AE ?? "ISOCENTER" };
const cli = process.env.ISOCENTER_CLI ?? path.join(root, "tools/Isocenter.Cli/bin/Release/net10.0/isocenter");

/** A QIDO-RS search through the gateway (path and query below /dicomweb/), as DICOM JSON. */
async function qido(query) {
  const response = await fetch(`${baseUrl}/dicomweb/${query}`, { headers: { Authorization: `Bearer ${token()}`, Accept: "application/dicom+json" } });
  if (!response.ok) throw new Error(`QIDO ${query}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Deletes a study from the archive (DELETE through the gateway; docs/dicomweb.md). */
export async function deleteStudy(study) {
  const response = await fetch(`${baseUrl}/dicomweb/studies/${study}`, { method: "DELETE", headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) throw new Error(`DELETE study ${study}: ${response.status} ${await response.text()}`);
}

/** Deletes a node of the PACS service's registry (`DELETE /api/dicom-nodes/{name}`), if it exists. */
export async function deleteNode(name) {
  const response = await fetch(`${baseUrl}/api/dicom-nodes/${encodeURIComponent(name)}`, { method: "DELETE", headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok && response.status !== 404) throw new Error(`DELETE node ${name}: ${response.status} ${await response.text()}`);
}

/** Stores FILES (or folders) in one association (`isocenter send`) and waits until the index holds `instances` of `study`. */
export async function send(files, study, instances, timeout = 60_000) {
  execFileSync(cli, ["send", "--aet", "E2E", "--called", dimse.ae, "127.0.0.1", dimse.port, ...files], { stdio: "ignore" });
  const deadline = Date.now() + timeout;
  for (;;) {
    const [match] = await qido(`studies?StudyInstanceUID=${study}&includefield=NumberOfStudyRelatedInstances`);
    if (match && Number(value(match, "00201208")) >= instances) return;
    if (Date.now() > deadline) throw new Error(`the index did not hold the ${instances} instances of ${study} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A request to the review service's API through the gateway with the development token: { status, body (JSON or text) }. */
export async function api(method, url) {
  const response = await fetch(`${baseUrl}${url}`, { method, headers: { Authorization: `Bearer ${token()}`, Accept: "application/json" } });
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text as it is
  }
  return { status: response.status, body };
}

/** Whether the archive holds the study (QIDO through the gateway). */
export async function inArchive(study) {
  return (await qido(`studies?StudyInstanceUID=${study}`)).length > 0;
}

/** The first value of TAG (8 hex digits) in a DICOM JSON dataset; person names as their Alphabetic group. */
function value(dataset, tag) {
  const first = dataset[tag]?.Value?.[0];
  return typeof first === "object" && first !== null ? first.Alphabetic : first;
}

/** The study of the archive with the most instances, and its first series: { study, series, patient, instances }. */
export async function largestStudy() {
  const studies = await qido("studies?includefield=NumberOfStudyRelatedInstances&limit=1000");
  if (!studies.length) throw new Error("the archive holds no study: ./dev.sh loads the demo study before the tests");
  const largest = studies.reduce((a, b) => (Number(value(b, "00201208")) > Number(value(a, "00201208")) ? b : a));
  const study = value(largest, "0020000D");
  const [series] = await qido(`studies/${study}/series`);
  return { study, series: value(series, "0020000E"), patient: value(largest, "00100010"), instances: Number(value(largest, "00201208")) };
}

/**
 * A new synthetic CT study in a temporary folder (`isocenter demo`; `series` axial series of `slices`; new UIDs each time;
 * Patient ID `${idPrefix}00001`, so another patient than the demo study's): { dir, files, study, patient }.
 */
export function demoStudy({ slices, size, seed, idPrefix, series = 1 }) {
  const dir = mkdtempSync(path.join(tmpdir(), "isocenter-e2e-"));
  execFileSync(cli, ["demo", "--out", dir, "--patients", "1", "--series", String(series), "--slices", String(slices), "--size", String(size), "--seed", String(seed), "--id-prefix", idPrefix]);
  const files = walk(dir).filter((f) => f.endsWith(".dcm")).sort();
  const tags = execFileSync("dcmdump", ["+P", "StudyInstanceUID", "+P", "PatientName", files[0]], { encoding: "utf8" });
  const field = (name) => tags.split("\n").find((line) => line.includes(name)).match(/\[([^\]]*)\]/)[1];
  return { dir, files, study: field("StudyInstanceUID"), patient: field("PatientName") };
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const entry = path.join(dir, name);
    return statSync(entry).isDirectory() ? walk(entry) : [entry];
  });
}

/**
 * Stores FILES one at a time (DCMTK storescu, an association per file) with `pauseMs` between them, in the background;
 * `done` resolves when the last is stored; `sent` counts the files stored so far, `finishedAt` is when the last was
 * stored (epoch ms).
 */
export function sendSlowly(files, pauseMs) {
  const progress = { sent: 0, finishedAt: Infinity };
  progress.done = (async () => {
    for (const file of files) {
      await new Promise((resolve, reject) => {
        const child = spawn("storescu", ["-aec", dimse.ae, "-aet", "E2E", "127.0.0.1", dimse.port, file], { stdio: "ignore" });
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`storescu exited with ${code} for ${file}`))));
      });
      progress.sent++;
      if (progress.sent === files.length) break;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    progress.finishedAt = Date.now();
  })();
  return progress;
}
