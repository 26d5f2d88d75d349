// A study that is still being sent (one file at a time, DCMTK storescu, with a pause) appears in the worklist with its
// counts, and the viewer opened on it says so and fills in as the slices arrive (activity feed, THE CONTRACT).
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { byTestId, drawn, launch, login, openPage, recordTexts, step, waitForAttribute, waitForPixels, waitForSeen } from "./lib/browser.js";
import { deleteStudy, demoStudy, send, sendSlowly } from "./lib/stack.js";

const slices = 40;
let browser, arriving, sending;
before(async () => {
  // A seed and a patient of its own each run: not the demo study's patient, new UIDs.
  const seed = Math.floor(Math.random() * 1_000_000);
  arriving = demoStudy({ slices, size: 256, seed, idPrefix: `E2E${seed}` });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await sending?.done.catch(() => {});
  if (!arriving) return;
  rmSync(arriving.dir, { recursive: true, force: true });
  // The archive keeps only the demo study the tests found it with.
  if (sending) await deleteStudy(arriving.study);
});

/** Waits until the page has shown a text of data-testid ID (for the arriving study, in the worklist) matching PATTERN. */
const waitForArriving = (page, id, pattern) => waitForSeen(page, id, pattern, { accept: (s) => id !== "study-status" || s.study === arriving.study });

test("a study being sent appears in the worklist and fills in in the viewer", async () => {
  const page = await openPage(browser);
  await recordTexts(page, ["study-status", "study-progress"]);
  const row = page.locator(`[data-testid="study-row"][data-study-uid="${arriving.study}"]`);
  await step(page, "10-arrival-worklist", async () => {
    await login(page, "/");
    await byTestId(page, "search").fill(arriving.patient.split("^")[0]);
    sending = sendSlowly(arriving.files, 300);
    await row.waitFor({ timeout: 30_000 });
    // The row said how far the study had come while it was still being sent (for a moment at least: indexing keeps up).
    const status = await waitForArriving(page, "study-status", /\d+/);
    assert.ok(status.at < sending.finishedAt, `the row's status came only after the last file was stored: ${status.text}`);
  });

  const stack = byTestId(page, "stack-viewport");
  const progress = byTestId(page, "study-progress");
  await step(page, "11-arrival-viewer", async () => {
    assert.ok(sending.sent < slices, "every file was stored before the viewer opened");
    await row.click();
    await page.waitForURL((url) => url.pathname === "/viewer");
    const banner = await waitForArriving(page, "study-progress", /received\s+\d+.*indexed\s+\d+/is);
    assert.ok(banner.at < sending.finishedAt, `the viewer's banner came only after the last file was stored: ${banner.text}`);
    const first = Number(await waitForAttribute(stack, "data-slice-count", (v) => Number(v) > 0));
    assert.ok(first < slices, `the viewer showed all ${first} slices at once`);
    await waitForAttribute(stack, "data-slice-count", (v) => Number(v) > first);
    await waitForPixels(stack, drawn);
  });

  await step(page, "12-arrival-complete", async () => {
    await sending.done;
    await waitForAttribute(stack, "data-slice-count", (v) => Number(v) === slices, 60_000);
    await progress.waitFor({ state: "hidden", timeout: 60_000 });
    await waitForAttribute(stack, "data-state", (s) => s === "ready");
  });
});

// A study being indexed reloads the worklist; a click whose press and release straddle that reload still opens the row
// (the rows are replaced only once the button is up: replaced in between, the click would go to neither row).
test("a click on a row opens it although a study indexed meanwhile reloads the list", async () => {
  const page = await openPage(browser);
  const other = demoStudy({ slices: 1, size: 64, seed: Math.floor(Math.random() * 1_000_000), idPrefix: "E2ECLICK" });
  try {
    await step(page, "13-click-during-reload", async () => {
      await login(page, "/");
      const row = page.locator('[data-testid="study-row"]').first();
      const study = await row.getAttribute("data-study-uid");
      await row.locator("td.name").hover();
      await page.mouse.down();
      const reloaded = page.waitForResponse((r) => /\/dicomweb\/studies\?/.test(r.url()) && r.ok(), { timeout: 30_000 });
      await send(other.files, other.study, 1);
      await reloaded;
      await page.waitForTimeout(300); // time for the rows to have been replaced, were they not held back
      await page.mouse.up();
      await page.waitForURL((url) => url.pathname === "/viewer" && url.searchParams.get("StudyInstanceUID") === study, { timeout: 10_000 });
      await waitForPixels(byTestId(page, "stack-viewport"), drawn);
    });
  } finally {
    rmSync(other.dir, { recursive: true, force: true });
    await deleteStudy(other.study).catch(() => {});
  }
});
