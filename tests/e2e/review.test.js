// Remote review (issue 10) in the browser: an owner makes a reading set of five new small studies (the copy job's
// progress on its page), creates a share link; a second context with nothing but that link sees exactly the five
// de-identified studies (every other UID, the originals included, refused through /dicomweb, /render and /api), reads a
// case, fills the form, comes back after a reload to what it left, and finishes the five; the owner's CSV holds the five
// findings (and the SR export stores them), its mapping pairs each original with its copy; revoking the link locks the reviewer out at once. The set, the studies and
// their copies are deleted afterwards, also when a test fails.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { byTestId, drawn, launch, login, openPage, recordTexts, seen, step, waitForAttribute, waitForPixels, waitForSeen } from "./lib/browser.js";
import { api, baseUrl, deleteStudy, demoStudy, inArchive, send } from "./lib/stack.js";

/** A date as the viewer writes it (YYYY-MM-DD), or as DICOM does: what a blinded reviewer must never see. */
const dateLike = /\b(19|20)\d\d-?\d\d-?\d\d\b/;

describe("Remote review", () => {
  const seed = Math.floor(Math.random() * 1_000_000);
  const prefix = `RV${seed}`;
  const studies = [];
  let outside; // a study in no reading set
  let browser, owner, reviewer, setId, shareUrl, copies;
  let steps = 0; // the tests after one that failed are skipped rather than each timing out
  const needs = (t, n) => {
    if (steps < n) t.skip("an earlier step failed");
    return steps < n;
  };

  before(async () => {
    // Five studies of their own patients (3 slices of 64², new UIDs each run), and one more that no set holds.
    for (let i = 0; i < 6; i++) {
      const study = demoStudy({ slices: 3, size: 64, seed: seed + i, idPrefix: i < 5 ? `${prefix}${i}` : `RX${seed}` });
      await send([study.dir], study.study, study.files.length);
      (i < 5 ? studies : []).push(study);
      if (i === 5) outside = study;
    }
    browser = await launch();
    owner = await openPage(browser);
    await recordTexts(owner, ["set-progress"]);
  });

  after(async () => {
    await browser?.close();
    if (setId) await api("DELETE", `/api/reading-sets/${setId}`).catch(() => {});
    for (const uid of copies ?? []) if (uid && (await inArchive(uid).catch(() => false))) await deleteStudy(uid);
    for (const study of [...studies, outside].filter(Boolean)) {
      rmSync(study.dir, { recursive: true, force: true });
      if (await inArchive(study.study).catch(() => false)) await deleteStudy(study.study);
    }
  });

  test("the owner selects five studies in the worklist and creates a reading set with a form", () =>
    step(owner, "40-review-set-created", async () => {
      await login(owner, "/");
      await byTestId(owner, "search").fill(prefix);
      const rows = byTestId(owner, "study-row");
      const expected = studies.map((s) => s.study).sort();
      await owner.waitForFunction(
        (uids) => [...document.querySelectorAll('[data-testid="study-row"]')].map((e) => e.dataset.studyUid).sort().join() === uids.join(),
        expected,
        { timeout: 30_000 },
      );
      for (let i = 0; i < 5; i++) await rows.nth(i).locator('[data-testid="study-select"]').check();
      await byTestId(owner, "create-reading-set").click();
      const form = byTestId(owner, "reading-set-form");
      await form.waitFor();
      await byTestId(owner, "set-name").fill(`E2E review ${seed}`);
      assert.equal(await byTestId(owner, "set-blinded").isChecked(), true);
      await byTestId(owner, "set-order").selectOption("fixed");
      // The first field (the default "Diagnosis") becomes a required choice; a second, optional number field is added.
      const fields = byTestId(owner, "form-field");
      await fields.nth(0).locator('[data-testid="form-field-type"]').selectOption("choice");
      await fields.nth(0).locator('[data-testid="form-field-options"]').fill("benign, malignant, unclear");
      await byTestId(owner, "form-field-add").click();
      await fields.nth(1).locator('[data-testid="form-field-label"]').fill("Size mm");
      await fields.nth(1).locator('[data-testid="form-field-type"]').selectOption("number");
      await Promise.all([owner.waitForURL((url) => /^\/reading-sets\/[^/]+$/.test(url.pathname)), byTestId(owner, "set-create").click()]);
      setId = decodeURIComponent(new URL(owner.url()).pathname.split("/")[2]);
      steps = 1;
    }));

  test("its page shows the copy job's progress until the five de-identified copies are ready", async (t) => {
    if (needs(t, 1)) return;
    await step(owner, "41-review-set-ready", async () => {
      await waitForSeen(owner, "set-progress", /of 5 studies · \d+ of \d+ instances/);
      await waitForAttribute(byTestId(owner, "set-progress"), "data-state", (v) => v === "ready", 120_000);
      assert.match(await byTestId(owner, "set-progress").innerText(), /^5 of 5 studies · 15 of 15 instances$/);
      const progress = (await seen(owner)).filter((s) => s.id === "set-progress").map((s) => s.text);
      t.diagnostic(`set-progress showed: ${progress.join(" | ")}`);
      const rows = byTestId(owner, "set-study-row");
      assert.equal(await rows.count(), 5);
      assert.deepEqual(await rows.evaluateAll((r) => r.map((e) => e.dataset.state)), Array(5).fill("completed"));
      const set = await (await owner.request.get(`/api/reading-sets/${setId}`)).json();
      copies = set.studies.sort((a, b) => a.position - b.position).map((s) => s.studyInstanceUid);
      assert.equal(new Set(copies).size, 5);
      for (const uid of copies) assert.ok(uid && !studies.some((s) => s.study === uid), `a de-identified UID: ${uid}`);
      steps = 2;
    });
  });

  test("the owner creates a share link", async (t) => {
    if (needs(t, 2)) return;
    await step(owner, "42-review-share-link", async () => {
      await byTestId(owner, "share-label").fill("Dr. E2E");
      await byTestId(owner, "share-expiry").fill("24");
      await byTestId(owner, "share-create").click();
      const row = byTestId(owner, "share-link-row").first();
      await row.waitFor();
      shareUrl = (await row.locator('[data-testid="share-url"]').innerText()).trim();
      assert.match(shareUrl, new RegExp(`^${baseUrl}/review/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
      steps = 3;
    });
  });

  test("the link alone shows the reviewer exactly the five de-identified studies, blinded", async (t) => {
    if (needs(t, 3)) return;
    reviewer = await openPage(browser);
    await step(reviewer, "43-review-worklist", async () => {
      await reviewer.goto(shareUrl);
      await reviewer.waitForURL((url) => url.pathname === "/review");
      await reviewer.waitForFunction(() => document.querySelector('[data-testid="review-progress"]')?.textContent === "0 of 5 done");
      const rows = byTestId(reviewer, "review-row");
      assert.equal(await rows.count(), 5);
      assert.deepEqual((await rows.evaluateAll((r) => r.map((e) => e.dataset.studyUid))).sort(), [...copies].sort());
      assert.deepEqual(await rows.evaluateAll((r) => r.map((e) => e.dataset.status)), Array(5).fill("todo"));
      const text = await reviewer.locator("body").innerText();
      assert.doesNotMatch(text, dateLike);
      for (const s of studies) assert.ok(!text.includes(s.patient.split("^")[0]), `the original patient name ${s.patient} is not shown`);
      // QIDO is narrowed to the set's copies.
      const qido = await reviewer.request.get("/dicomweb/studies", { headers: { Accept: "application/dicom+json" } });
      assert.equal(qido.status(), 200);
      assert.deepEqual((await qido.json()).map((d) => d["0020000D"].Value[0]).sort(), [...copies].sort());
      steps = 4;
    });
  });

  test("every other study is refused to the reviewer, through every route", async (t) => {
    if (needs(t, 4)) return;
    const others = [outside.study, ...studies.map((s) => s.study)];
    const refused = [];
    const get = async (url, headers = {}) => {
      const response = await reviewer.request.get(url, { headers, maxRedirects: 0 });
      return response.status();
    };
    for (const uid of others) {
      for (const url of [
        `/dicomweb/studies/${uid}/series`,
        `/dicomweb/studies/${uid}/metadata`,
        `/dicomweb/studies/${uid}/thumbnail`,
        `/render/studies/${uid}/series/${uid}`,
        `/api/review/findings/${uid}`,
        `/api/activity?StudyInstanceUID=${uid}`,
      ]) {
        const status = await get(url);
        if (status !== 403 && status !== 404) refused.push(`${url} → ${status}`);
      }
      const search = await reviewer.request.get(`/dicomweb/studies?StudyInstanceUID=${uid}`, { headers: { Accept: "application/dicom+json" } });
      if (search.status() !== 200 || (await search.text()).replace(/\s/g, "") !== "[]") refused.push(`/dicomweb/studies?StudyInstanceUID=${uid} → ${search.status()} ${await search.text()}`);
    }
    for (const url of ["/dicomweb/series", "/dicomweb/instances", "/api/reading-sets", `/api/reading-sets/${setId}`, `/api/reading-sets/${setId}/mapping`, `/api/reading-sets/${setId}/findings.csv`, "/api/dicom-nodes"]) {
      const status = await get(url);
      if (status !== 403 && status !== 404) refused.push(`${url} → ${status}`);
    }
    // What is in scope is served.
    assert.equal(await get(`/dicomweb/studies/${copies[0]}/series`, { Accept: "application/dicom+json" }), 200);
    assert.deepEqual(refused, [], "each of these should have been 403 or 404 (or an empty search)");
    steps = 5;
  });

  /** Waits until the findings panel says "Saved". */
  const saved = () => reviewer.waitForFunction(() => document.querySelector('[data-testid="finding-saved"]')?.textContent === "Saved", undefined, { timeout: 15_000 });

  test("the reviewer reads a case, fills the form, and after a reload continues where they were", async (t) => {
    if (needs(t, 5)) return;
    await step(reviewer, "44-review-case", async () => {
      await byTestId(reviewer, "review-row").first().click();
      await reviewer.waitForURL((url) => url.pathname === "/viewer" && url.searchParams.get("review") === "1");
      const first = new URL(reviewer.url()).searchParams.get("StudyInstanceUID");
      assert.equal(first, copies[0]);
      await byTestId(reviewer, "findings-panel").waitFor();
      await waitForPixels(byTestId(reviewer, "stack-viewport"), drawn);
      assert.doesNotMatch(await reviewer.locator("body").innerText(), dateLike);
      await reviewer.locator('[data-testid="finding-field"][data-field-id="diagnosis"]').selectOption("malignant");
      await reviewer.locator('[data-testid="finding-field"][data-field-id="size-mm"]').fill("14");
      await saved();
    });
    await step(reviewer, "45-review-case-reloaded", async () => {
      await reviewer.reload();
      await byTestId(reviewer, "findings-panel").waitFor();
      assert.equal(await reviewer.locator('[data-field-id="diagnosis"]').inputValue(), "malignant");
      assert.equal(await reviewer.locator('[data-field-id="size-mm"]').inputValue(), "14");
      assert.equal(await byTestId(reviewer, "finding-status").getAttribute("data-status"), "draft");
      await byTestId(reviewer, "finding-comment").fill("Spiculated margin, case 1");
      await saved();
      await byTestId(reviewer, "finding-complete").click();
      await waitForAttribute(byTestId(reviewer, "finding-status"), "data-status", (v) => v === "done");
    });
    steps = 6;
  });

  test("Mark done refuses a case without its required field, then the reviewer finishes all five", async (t) => {
    if (needs(t, 6)) return;
    await step(reviewer, "46-review-required", async () => {
      await byTestId(reviewer, "next-case").click();
      await reviewer.waitForURL((url) => url.searchParams.get("StudyInstanceUID") === copies[1]);
      await byTestId(reviewer, "findings-panel").waitFor();
      await byTestId(reviewer, "finding-comment").fill("no diagnosis yet");
      await byTestId(reviewer, "finding-complete").click();
      await byTestId(reviewer, "finding-error").waitFor();
      assert.match(await byTestId(reviewer, "finding-error").innerText(), /Diagnosis/);
    });
    await step(reviewer, "47-review-all-done", async () => {
      for (let i = 1; i < 5; i++) {
        await reviewer.waitForURL((url) => url.searchParams.get("StudyInstanceUID") === copies[i]);
        const diagnosis = reviewer.locator('[data-field-id="diagnosis"]');
        await diagnosis.waitFor();
        await diagnosis.selectOption(i % 2 ? "benign" : "unclear");
        await byTestId(reviewer, "finding-comment").fill(`Case ${i + 1}: "quoted", =1+1`);
        await saved();
        await byTestId(reviewer, "finding-complete").click();
        await waitForAttribute(byTestId(reviewer, "finding-status"), "data-status", (v) => v === "done");
        await byTestId(reviewer, "next-case").click();
      }
      await reviewer.waitForURL((url) => url.pathname === "/review");
      await reviewer.waitForFunction(() => document.querySelector('[data-testid="review-progress"]')?.textContent === "5 of 5 done");
      assert.deepEqual(await byTestId(reviewer, "review-row").evaluateAll((r) => r.map((e) => e.dataset.status)), Array(5).fill("done"));
    });
    steps = 7;
  });

  test("the owner's CSV holds the five findings, and the SR export stores them in the archive", async (t) => {
    if (needs(t, 7)) return;
    await step(owner, "48-review-exports", async () => {
      const href = await byTestId(owner, "export-csv").getAttribute("href");
      const csv = await owner.request.get(href);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()["content-type"], /^text\/csv/);
      const lines = (await csv.text()).trim().split(/\r?\n/);
      const header = lines[0].split(",");
      for (const column of ["reading_set", "reviewer", "case", "study_instance_uid", "diagnosis", "size-mm", "comment", "complete", "updated_at"]) assert.ok(header.includes(column), `column ${column} in ${lines[0]}`);
      const rows = lines.slice(1);
      assert.equal(rows.length, 5, await csv.text());
      for (const uid of copies) assert.ok(rows.some((r) => r.includes(uid)), `a row for ${uid}`);
      assert.ok(rows.some((r) => r.includes("malignant") && r.includes(",14,")), "case 1's values");
      assert.ok(rows.some((r) => r.includes(`"Case 2: ""quoted"", =1+1"`)), "RFC 4180 quoting");
      await byTestId(owner, "export-sr").click();
      await owner.waitForFunction(() => /^Stored 5 /.test(document.querySelector('[data-testid="export-sr-result"]')?.textContent ?? ""), undefined, { timeout: 30_000 });
      const sr = await owner.request.get(`/dicomweb/studies/${copies[0]}/series?Modality=SR`, { headers: { Accept: "application/dicom+json" } });
      assert.equal(sr.status(), 200);
      assert.equal((await sr.json()).length, 1, "QIDO finds the SR series of the first case");
      // The pseudonym mapping: each original study next to its copy.
      await byTestId(owner, "show-mapping").click();
      await byTestId(owner, "mapping-row").first().waitFor();
      const studyPairs = await owner.locator('[data-testid="mapping-row"][data-kind="study"]').evaluateAll((rows) => rows.map((r) => [...r.cells].slice(1).map((c) => c.textContent)));
      assert.deepEqual(studyPairs.map(([original]) => original).sort(), studies.map((s) => s.study).sort());
      assert.deepEqual(studyPairs.map(([, pseudonym]) => pseudonym).sort(), [...copies].sort());
    });
    steps = 8;
  });

  test("revoking the link locks the reviewer out at once", async (t) => {
    if (needs(t, 8)) return;
    await step(owner, "49-review-revoked", async () => {
      owner.once("dialog", (dialog) => dialog.accept());
      await byTestId(owner, "share-revoke").first().click();
      await waitForAttribute(byTestId(owner, "share-link-row").first(), "data-revoked", (v) => v === "true");
    });
    const statuses = [];
    for (const url of ["/api/review/worklist", `/dicomweb/studies/${copies[0]}/series`, `/api/review/findings/${copies[0]}`]) {
      statuses.push((await reviewer.request.get(url, { maxRedirects: 0 })).status());
    }
    assert.ok(statuses.every((s) => [302, 303, 401, 403].includes(s)), `after revocation: ${statuses.join(", ")}`);
    // The open page's feed and images now fail: those errors are expected, not the viewer's.
    reviewer.errors.length = 0;
    const reopened = await reviewer.request.get(shareUrl, { maxRedirects: 0 });
    assert.ok([404, 410].includes(reopened.status()), `the revoked link itself answers ${reopened.status()}`);
  });
});
