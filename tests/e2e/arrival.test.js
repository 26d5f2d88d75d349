// A study that is still being sent (one file at a time, DCMTK storescu, with a pause) appears in the worklist with its
// counts, and the viewer opened on it says so and fills in as the slices arrive (activity feed, THE CONTRACT).
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, test } from "node:test";
import { byTestId, drawn, launch, login, openPage, step, waitForAttribute, waitForPixels } from "./lib/browser.js";
import { demoStudy, sendSlowly } from "./lib/stack.js";

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
  if (arriving) rmSync(arriving.dir, { recursive: true, force: true });
});

test("a study being sent appears in the worklist and fills in in the viewer", async () => {
  const page = await openPage(browser);
  const row = page.locator(`[data-testid="study-row"][data-study-uid="${arriving.study}"]`);
  await step(page, "10-arrival-worklist", async () => {
    await login(page, "/");
    await byTestId(page, "search").fill(arriving.patient.split("^")[0]);
    sending = sendSlowly(arriving.files, 300);
    await row.waitFor({ timeout: 30_000 });
    const status = row.locator('[data-testid="study-status"]');
    await status.waitFor({ timeout: 10_000 });
    assert.match(await status.innerText(), /\d+/, "the row's status shows no count");
    assert.ok(sending.sent < slices, "the study was complete before the worklist showed it arriving");
  });

  const stack = byTestId(page, "stack-viewport");
  const progress = byTestId(page, "study-progress");
  await step(page, "11-arrival-viewer", async () => {
    await row.click();
    await page.waitForURL((url) => url.pathname === "/viewer");
    await progress.waitFor({ timeout: 10_000 });
    assert.match(await progress.innerText(), /received\s+\d+.*indexed\s+\d+/is);
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
