// The viewer's acceptance walk (issue 8): log in, find a study by name, open it, scroll 50 slices, change the window preset,
// switch to four-up, rotate the 3D view, open a deep link. One page, steps in order; each saves a screenshot.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  byTestId, closePage, difference, drawn, launch, openPage, pixels, step, submitLogin, tablet, waitForAttribute, waitForPixels,
} from "./lib/browser.js";
import { largestStudy } from "./lib/stack.js";

describe("the viewer, from the worklist", () => {
  let browser, page, demo;
  before(async () => {
    [browser, demo] = await Promise.all([launch(), largestStudy()]);
    page = await openPage(browser);
  });
  after(async () => {
    await browser?.close();
  });

  test("logs in with the development token", () =>
    step(page, "01-login", async () => {
      await page.goto("/login");
      await submitLogin(page);
      assert.equal(new URL(page.url()).pathname, "/");
      await byTestId(page, "study-row").first().waitFor();
    }));

  test("finds the demo study by patient name", () =>
    step(page, "02-worklist-search", async () => {
      const family = demo.patient.split("^")[0];
      await byTestId(page, "search").fill(family);
      const row = page.locator(`[data-testid="study-row"][data-study-uid="${demo.study}"]`);
      await row.waitFor();
      // Every row left is the patient's, once the search has answered.
      await page.waitForFunction((name) => [...document.querySelectorAll('[data-testid="study-row"]')].every((row) => row.textContent.toUpperCase().includes(name)), family);
    }));

  // The feed replays what it knows of each series to a new subscriber (received, then indexed or stable): a complete
  // study must not read as arriving.
  test("a complete study says nothing of arriving", async () => {
    const row = page.locator(`[data-testid="study-row"][data-study-uid="${demo.study}"]`);
    assert.equal(await row.locator('[data-testid="study-status"]').count(), 0, `a complete study shows "${await row.innerText()}"`);
  });

  test("opens it and draws the first image", () =>
    step(page, "03-study-open", async () => {
      await page.locator(`[data-testid="study-row"][data-study-uid="${demo.study}"]`).click();
      await page.waitForURL((url) => url.pathname === "/viewer" && url.searchParams.get("StudyInstanceUID") === demo.study);
      const stack = byTestId(page, "stack-viewport");
      await waitForAttribute(stack, "data-state", (s) => s === "ready");
      await waitForPixels(stack, drawn);
    }));

  test("scrolls 50 slices by wheel and keys", () =>
    step(page, "04-scrolled-50", async () => {
      const stack = byTestId(page, "stack-viewport");
      const count = Number(await stack.getAttribute("data-slice-count"));
      assert.ok(count > 50, `the demo series has ${count} slices, fewer than the 51 needed`);
      const start = Number(await stack.getAttribute("data-slice-index"));
      const forward = start + 50 < count;
      const label = await byTestId(page, "slice-label").innerText();
      const box = await stack.boundingBox();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // Half the way by wheel notches (however many slices a notch moves), half by arrow keys; every input moves forward.
      let index = start;
      const move = async (input) => {
        const previous = index;
        await input();
        index = Number(await waitForAttribute(stack, "data-slice-index", (v) => Number(v) !== previous, 5_000));
        assert.ok(forward ? index > previous : index < previous, `an input moved from slice ${previous} to ${index}`);
      };
      while (Math.abs(index - start) < 25) await move(() => page.mouse.wheel(0, forward ? 100 : -100));
      while (Math.abs(index - start) < 50) await move(() => page.keyboard.press(forward ? "ArrowDown" : "ArrowUp"));
      assert.ok(Math.abs(index - start) >= 50, `moved from slice ${start} to ${index}`);
      const moved = await byTestId(page, "slice-label").innerText();
      assert.notEqual(moved, label);
      assert.equal(moved.replace(/\s+/g, " ").trim(), `${index + 1} / ${count}`);
      await waitForPixels(stack, drawn);
    }));

  test("changes the window preset", () =>
    step(page, "05-preset-lung", async () => {
      const stack = byTestId(page, "stack-viewport");
      const label = await byTestId(page, "window-label").innerText();
      const before = await pixels(stack);
      await byTestId(page, "preset-ct-lung").click();
      await page.waitForFunction((old) => document.querySelector('[data-testid="window-label"]')?.textContent !== old, label);
      assert.match(await byTestId(page, "window-label").innerText(), /W\s*-?\d+.*L\s*-?\d+/);
      await waitForPixels(stack, (image) => drawn(image) && difference(image, before) > 2);
    }));

  test("switches to four-up: MPR and 3D from the render service", () =>
    step(page, "06-four-up", async () => {
      await byTestId(page, "layout-4up").click();
      for (const id of ["mpr-axial", "mpr-sagittal", "mpr-coronal", "volume-3d"]) {
        const viewport = byTestId(page, id);
        await waitForAttribute(viewport, "data-state", (s) => s === "ready", 90_000);
        await waitForPixels(viewport, drawn);
      }
    }));

  test("windows the MPR views by dragging", () =>
    step(page, "06-mpr-window", async () => {
      const axial = byTestId(page, "mpr-axial");
      const coronal = byTestId(page, "mpr-coronal");
      const label = await axial.getByTestId("mpr-window-label").innerText();
      const [axialBefore, coronalBefore] = [await pixels(axial), await pixels(coronal)];
      const box = await axial.boundingBox();
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + box.width / 3, y - box.height / 4, { steps: 10 }); // wider, lower level
      await page.mouse.up();
      // One window for the three planes: the coronal view takes it when the drag ends, and the axial view, which followed
      // the drag, ends on the same.
      const windowLabel = (view) => view.getByTestId("mpr-window-label").innerText();
      const labelIs = ([el, expected, same]) => (el.querySelector('[data-testid="mpr-window-label"]')?.textContent === expected) === same;
      await page.waitForFunction(labelIs, [await coronal.elementHandle(), label, false]);
      await page.waitForFunction(labelIs, [await axial.elementHandle(), await windowLabel(coronal), true]);
      await waitForPixels(axial, (image) => drawn(image) && difference(image, axialBefore) > 2);
      await waitForPixels(coronal, (image) => drawn(image) && difference(image, coronalBefore) > 2);
      // A preset sets the window of all three.
      await byTestId(page, "preset-ct-bone").click();
      for (const view of [axial, byTestId(page, "mpr-sagittal"), coronal]) {
        await page.waitForFunction(labelIs, [await view.elementHandle(), "W 2000 L 300", true]);
      }
    }));

  test("rotates the 3D view by dragging", () =>
    step(page, "07-rotated-3d", async () => {
      const volume = byTestId(page, "volume-3d");
      const azimuth = await volume.getAttribute("data-azimuth");
      const before = await pixels(volume);
      const box = await volume.boundingBox();
      const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + box.width / 4, y, { steps: 10 });
      await page.mouse.up();
      await waitForAttribute(volume, "data-azimuth", (a) => a !== azimuth);
      await waitForPixels(volume, (image) => drawn(image) && difference(image, before) > 2);
    }));
});

describe("a deep link", () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test("asks to log in, then opens the series it names (tablet size)", async () => {
    const demo = await largestStudy();
    const page = await openPage(browser, tablet);
    const link = `/viewer?StudyInstanceUID=${demo.study}&SeriesInstanceUID=${demo.series}`;
    await step(page, "08-deep-link-login", async () => {
      await page.goto(link);
      const url = new URL(page.url());
      assert.equal(url.pathname, "/login");
      assert.equal(url.searchParams.get("return"), link);
    });
    await step(page, "09-deep-link-open", async () => {
      await submitLogin(page);
      assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, link);
      const stack = byTestId(page, "stack-viewport");
      await waitForAttribute(stack, "data-state", (s) => s === "ready");
      await waitForPixels(stack, drawn);
      assert.equal(await page.locator(`[data-testid="series-item"][data-series-uid="${demo.series}"]`).count(), 1);
    });
    await closePage(page);
  });
});
