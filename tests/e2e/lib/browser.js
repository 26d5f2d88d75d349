// Debian's Chromium driven by playwright-core, and the page-level helpers the tests and the viewer benchmark share:
// login, screenshots, console error collection, DOM hooks (data-testid, THE CONTRACT in web-viewer/README.md) and pixels.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { baseUrl, root, token } from "./stack.js";

const desktop = { width: 1366, height: 768 };
export const tablet = { width: 1024, height: 768 };

/** Headless Chromium (`ISOCENTER_CHROMIUM`, default Debian's /usr/bin/chromium). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.ISOCENTER_CHROMIUM ?? "/usr/bin/chromium",
    // Root (CI containers) cannot use Chromium's sandbox; the pages are our own, on loopback.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}

/**
 * A page in a fresh context (no cookies) at `viewport`; `page.errors` collects console errors and uncaught exceptions,
 * which each `step` turns into a failure.
 */
export async function openPage(browser, viewport = desktop) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  const page = await context.newPage();
  page.errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") page.errors.push(`console.error on ${page.url()}: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => page.errors.push(`uncaught on ${page.url()}: ${error.message}`));
  return page;
}

/**
 * Records, in every document the page loads, each text that an element with one of the data-testids shows, even for a
 * moment (a mutation observer): `seen(page)` returns them as { id, study (of the enclosing study row, if any), text, at
 * (epoch ms) }.
 */
export async function recordTexts(page, ids) {
  await page.addInitScript((watched) => {
    const seen = (window.__seenTexts = []);
    const last = new Map();
    const look = () => {
      for (const element of document.querySelectorAll(watched.map((id) => `[data-testid="${id}"]`).join(","))) {
        if (!element.checkVisibility()) continue;
        const entry = { id: element.dataset.testid, study: element.closest("[data-study-uid]")?.dataset.studyUid ?? null, text: element.textContent.trim() };
        const key = `${entry.id} ${entry.study}`;
        if (last.get(key) === entry.text) continue;
        last.set(key, entry.text);
        seen.push({ ...entry, at: Date.now() });
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  }, ids);
}

/** The texts `recordTexts` has seen in the current document. */
export const seen = (page) => page.evaluate(() => window.__seenTexts ?? []);

/**
 * Waits until `recordTexts` has seen a text of data-testid ID matching PATTERN (and `accept(entry)`, e.g. of one study's
 * row); returns that entry.
 */
export async function waitForSeen(page, id, pattern, { accept = () => true, timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const match = (await seen(page)).find((s) => s.id === id && pattern.test(s.text) && accept(s));
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`${id} showed no text like ${pattern} within ${timeout} ms: ${JSON.stringify(await seen(page))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fails with every console error and uncaught exception the page has seen since the last call. */
function assertNoErrors(page) {
  const errors = page.errors.splice(0);
  if (errors.length) throw new Error(`errors in the browser:\n${errors.join("\n")}`);
}

/** Closes the page's context (and with it the page). */
export async function closePage(page) {
  await page.context().close();
}

const screenshots = path.join(root, ".dev", "e2e", "screenshots");

/** Saves a screenshot of the whole page as .dev/e2e/screenshots/NAME.png (NAME is "NN-what"). */
async function shot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

/**
 * Runs one step of a test on PAGE, then saves its screenshot NAME (also when the step failed, to see why) and fails on
 * console errors the page has seen.
 */
export async function step(page, name, body) {
  try {
    await body();
  } finally {
    await shot(page, name);
  }
  assertNoErrors(page);
}

/** Logs in on the login page the browser is at, with the development token; resolves once it has left /login. */
export async function submitLogin(page) {
  await page.locator("#token").fill(token());
  await Promise.all([page.waitForURL((url) => url.pathname !== "/login"), page.locator("button[type=submit]").click()]);
}

/** Opens /login?return=PATH and logs in: the page ends at PATH with the session cookie set. */
export async function login(page, returnTo = "/") {
  await page.goto(`/login?return=${encodeURIComponent(returnTo)}`);
  await submitLogin(page);
}

/** The element with data-testid=ID (the viewer's hooks for tests). */
export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Waits until the element's attribute satisfies `accept(value)` (a string, or null when absent); returns the value. */
export async function waitForAttribute(locator, name, accept, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let value;
  await locator.waitFor({ state: "attached", timeout });
  for (;;) {
    value = await locator.getAttribute(name);
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${name}="${value}" did not become as expected within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * What the element shows, from the first canvas or image inside it (or itself), drawn into a 64×64 2D canvas in the page:
 * mean and standard deviation of the grey level, the fraction of pixels brighter than 16, and an 8×8 grid of block
 * means (`grid`) to compare two images.
 */
export function pixels(locator) {
  return locator.evaluate((element) => {
    const source = element.matches("canvas, img") ? element : element.querySelector("canvas, img");
    if (!source) return null;
    const size = 64;
    const probe = document.createElement("canvas");
    probe.width = probe.height = size;
    const g = probe.getContext("2d", { willReadFrequently: true });
    g.drawImage(source, 0, 0, size, size);
    const data = g.getImageData(0, 0, size, size).data;
    const grid = new Array(64).fill(0);
    let sum = 0, squares = 0, lit = 0;
    for (let i = 0; i < size * size; i++) {
      const grey = (data[4 * i] + data[4 * i + 1] + data[4 * i + 2]) / 3;
      sum += grey;
      squares += grey * grey;
      if (grey > 16) lit++;
      grid[Math.floor(i / size / 8) * 8 + Math.floor((i % size) / 8)] += grey / 64;
    }
    const n = size * size, mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)), lit: lit / n, grid };
  });
}

/** True when the image has content: some pixels lit and some contrast. */
export const drawn = (image) => image !== null && image.lit > 0.02 && image.std > 4;

/** The mean absolute difference of two images' block grids (grey levels). */
export const difference = (a, b) => a.grid.reduce((s, v, i) => s + Math.abs(v - b.grid[i]), 0) / a.grid.length;

/** Polls `pixels(locator)` until `accept(image)`; returns the image. */
export async function waitForPixels(locator, accept, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const image = await pixels(locator);
    if (image && accept(image)) return image;
    if (Date.now() > deadline) throw new Error(`the image did not become as expected within ${timeout} ms: ${JSON.stringify(image && { ...image, grid: undefined })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
