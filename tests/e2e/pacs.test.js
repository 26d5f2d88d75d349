// PACS connectivity in the browser (issue 11): an Orthanc started here as the "hospital PACS" (two studies preloaded,
// the stack's ingest as its C-MOVE destination) is registered on the node page and tested; failures are diagnosed
// (wrong AE title, wrong port, a peer that rejects our AE title, a peer without C-GET); the worklist searches the Orthanc,
// retrieves a study with progress and opens it; a deep link to a study only the Orthanc has retrieves it on demand and
// opens it. Every peer started here is stopped, and what was retrieved and registered is removed, also on failure.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { byTestId, drawn, launch, login, openPage, recordTexts, seen, step, waitForAttribute, waitForPixels, waitForSeen } from "./lib/browser.js";
import { freePort, startOrthanc, startStorescp } from "./lib/peers.js";
import { deleteNode, deleteStudy, demoStudy, dimse, inArchive } from "./lib/stack.js";

describe("PACS connectivity", () => {
  const seed = Math.floor(Math.random() * 1_000_000);
  const node = `ORTHANC-E2E${seed}`;
  const studies = [];
  let browser, page, orthanc, rejecting, storescp, listed, linked;
  // The tests after the first need the node it registers: without it they are skipped rather than each timing out.
  let registered = false;
  const needsNode = (t) => {
    if (!registered) t.skip("the Orthanc was not registered");
    return !registered;
  };

  before(async () => {
    // Two small studies of their own patients (new UIDs each run), only in the Orthanc: one for the worklist (two series),
    // one for the deep link.
    listed = demoStudy({ series: 2, slices: 4, size: 64, seed, idPrefix: `PQ${seed}` });
    linked = demoStudy({ slices: 5, size: 64, seed: seed + 1, idPrefix: `PL${seed}` });
    studies.push(listed, linked);
    orthanc = await startOrthanc({ modalities: { isocenter: [dimse.ae, "127.0.0.1", Number(dimse.port)] } });
    await orthanc.upload([...listed.files, ...linked.files]);
    // A PACS that knows no modality and accepts nothing from unknown AE titles: it rejects ours.
    rejecting = await startOrthanc({ open: false });
    storescp = await startStorescp();
    browser = await launch();
    page = await openPage(browser);
    await recordTexts(page, ["retrieval-status", "retrieval-progress"]);
  });

  after(async () => {
    await browser?.close();
    await Promise.all([orthanc?.stop(), rejecting?.stop(), storescp?.stop()]);
    for (const study of studies) {
      rmSync(study.dir, { recursive: true, force: true });
      if (await inArchive(study.study).catch(() => false)) await deleteStudy(study.study);
    }
    await deleteNode(node).catch(() => {});
  });

  /** Fills the node form (AE title, host, port, retrieve method; the name only when given). */
  async function fillForm({ name, ae, port, method = "C-MOVE" }) {
    if (name !== undefined) await byTestId(page, "node-name").fill(name);
    await byTestId(page, "node-ae").fill(ae);
    await byTestId(page, "node-host").fill("127.0.0.1");
    await byTestId(page, "node-port").fill(String(port));
    await byTestId(page, "node-query").check();
    await byTestId(page, "node-retrieve-method").selectOption(method);
  }

  /** "Test" on the form; returns the result's { ok, problem, text }. */
  async function testForm() {
    const form = byTestId(page, "node-form");
    await form.locator('[data-testid="echo-result"]').waitFor({ state: "detached", timeout: 1_000 }).catch(() => {});
    await byTestId(page, "node-test").click();
    const result = form.locator('[data-testid="echo-result"]');
    await result.waitFor({ timeout: 30_000 });
    return { ok: await result.getAttribute("data-ok"), problem: await result.getAttribute("data-problem"), text: (await result.innerText()).trim() };
  }

  test("registers the Orthanc on the node page and tests it", () =>
    step(page, "20-pacs-node-registered", async () => {
      await login(page, "/");
      await byTestId(page, "nav-nodes").click();
      await page.waitForURL((url) => url.pathname === "/admin/nodes");
      // The form checks what the server would refuse before sending it.
      await fillForm({ name: "bad name", ae: "BAD\\AE", port: orthanc.dicomPort });
      await byTestId(page, "node-save").click();
      const formError = byTestId(page, "form-error");
      await formError.waitFor();
      assert.match(await formError.innerText(), /name must[\s\S]*AE title must/);
      await fillForm({ name: node, ae: "ORTHANC", port: orthanc.dicomPort });
      const unsaved = await testForm();
      assert.equal(unsaved.ok, "true", unsaved.text);
      await byTestId(page, "node-save").click();
      const row = page.locator(`[data-testid="node-row"][data-node-name="${node}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(`ORTHANC[\\s\\S]*127\\.0\\.0\\.1:${orthanc.dicomPort}[\\s\\S]*C-MOVE`));
      await row.locator('[data-testid="node-echo"]').click();
      const result = row.locator('[data-testid="echo-result"]');
      await waitForAttribute(result, "data-ok", (v) => v === "true");
      // Orthanc accepts every service the echo proposes.
      assert.match(await row.innerText(), /accepts echo, find, move, get/);
      registered = true;
    }));

  test("diagnoses a wrong AE title, a wrong port, a peer that rejects us and a peer without C-GET", async () => {
    const cases = [
      { shot: "21-pacs-wrong-ae", form: { ae: "NOT_ORTHANC", port: orthanc.dicomPort }, problem: "called-ae-rejected", says: /NOT_ORTHANC/ },
      { shot: "22-pacs-wrong-port", form: { ae: "ORTHANC", port: await freePort() }, problem: "refused", says: /refused/i },
      { shot: "23-pacs-rejects-us", form: { ae: "ORTHANC", port: rejecting.dicomPort }, problem: "calling-ae-rejected", says: /ISOCENTER/ },
    ];
    for (const c of cases) {
      await step(page, c.shot, async () => {
        await fillForm({ name: "DIAGNOSIS", ...c.form });
        const result = await testForm();
        assert.equal(result.ok, "false", result.text);
        assert.equal(result.problem, c.problem, result.text);
        assert.match(result.text, c.says);
      });
    }
    await step(page, "24-pacs-no-c-get", async () => {
      await fillForm({ name: "DIAGNOSIS", ae: "STORESCP", port: storescp.port, method: "C-GET" });
      const result = await testForm();
      // The echo works; the retrieve method does not.
      assert.equal(result.ok, "true", result.text);
      assert.match(result.text, /C-GET/);
      assert.equal(await byTestId(page, "node-form").locator('[data-testid="echo-result"]').getAttribute("data-warning"), "", "not marked as a warning");
      assert.match(await byTestId(page, "node-form").innerText(), /accepts echo; not find, move, get/);
    });
  });

  test("finds a study in the Orthanc from the worklist, retrieves it with progress and opens it", async (t) => {
    if (needsNode(t)) return;
    const row = page.locator(`[data-testid="study-row"][data-study-uid="${listed.study}"]`);
    await step(page, "25-pacs-worklist-remote", async () => {
      await page.goto("/");
      await byTestId(page, "source").selectOption(node);
      await byTestId(page, "search").fill(`PQ${seed}`);
      await row.waitFor();
      assert.equal(await row.getAttribute("data-remote"), "true");
      assert.equal(await row.getAttribute("data-local"), null, "a study only in the Orthanc is marked as in Isocenter");
    });
    await step(page, "26-pacs-worklist-retrieved", async () => {
      await row.locator('[data-testid="retrieve"]').click();
      const status = row.locator('[data-testid="retrieval-status"]');
      const state = await waitForAttribute(status, "data-state", (v) => ["completed", "partial", "failed"].includes(v), 60_000);
      assert.equal(state, "completed", await status.innerText());
      assert.equal((await status.innerText()).trim(), "retrieved");
      // Opens once the index holds it (the row says "in Isocenter").
      await waitForAttribute(row, "data-local", (v) => v === "true", 30_000);
      const texts = (await seen(page)).filter((s) => s.id === "retrieval-status" && s.study === listed.study).map((s) => s.text);
      assert.match(texts[0], /^(starting…|queued|retrieving \d+ of \d+)$/, `the row showed no progress before it was retrieved: ${texts}`);
    });
    await step(page, "27-pacs-worklist-opened", async () => {
      await row.click();
      await page.waitForURL((url) => url.pathname === "/viewer" && url.searchParams.get("StudyInstanceUID") === listed.study);
      await waitForPixels(byTestId(page, "stack-viewport"), drawn);
      assert.equal(await byTestId(page, "series-item").count(), 2);
    });
  });

  test("a deep link to a study only the Orthanc has retrieves it, showing progress, then opens it", (t) =>
    needsNode(t) || step(page, "28-pacs-deep-link", async () => {
      await page.goto(`/viewer?StudyInstanceUID=${linked.study}`);
      const stack = byTestId(page, "stack-viewport");
      await waitForAttribute(stack, "data-slice-count", (v) => Number(v) > 0, 60_000);
      await waitForPixels(stack, drawn);
      const banner = (await seen(page)).find((s) => s.id === "retrieval-progress");
      assert.ok(banner, "no retrieval-progress banner was shown");
      assert.match(banner.text, new RegExp(`Retriev(ing|ed) from PACS ${node}`));
      // It counts the series and instances (the first image may come before the job's progress does).
      await waitForSeen(page, "retrieval-progress", new RegExp(`from PACS ${node}: \\d+ of 1 series, \\d+ of 5 instances`));
      await waitForAttribute(stack, "data-slice-count", (v) => Number(v) === 5, 60_000);
    }));

  test("a deep link to a study no PACS has says so", (t) =>
    needsNode(t) || step(page, "29-pacs-deep-link-unknown", async () => {
      const unknown = `2.25.${seed}${Date.now()}`;
      await page.goto(`/viewer?StudyInstanceUID=${unknown}`);
      const message = page.locator('[data-testid="message"][data-state="error"]');
      await message.waitFor({ timeout: 60_000 });
      assert.match(await message.innerText(), new RegExp(`${unknown}.*${node}`, "s"));
      // The browser logs the 404 of POST /api/retrievals: expected here.
      page.errors = page.errors.filter((e) => !/status of 404/.test(e));
    }));

  test("edits and deletes the node on the node page", (t) =>
    needsNode(t) || step(page, "30-pacs-node-deleted", async () => {
      await page.goto("/admin/nodes");
      const row = page.locator(`[data-testid="node-row"][data-node-name="${node}"]`);
      await row.locator('[data-testid="node-edit"]').click();
      assert.equal(await byTestId(page, "node-name").inputValue(), node);
      await byTestId(page, "node-description").fill("the e2e Orthanc");
      await byTestId(page, "node-save").click();
      await row.getByText("the e2e Orthanc").waitFor();
      page.once("dialog", (dialog) => dialog.accept());
      await row.locator('[data-testid="node-delete"]').click();
      await row.waitFor({ state: "detached" });
    }));
});
