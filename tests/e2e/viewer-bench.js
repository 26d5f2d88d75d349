// The viewer benchmark's browser side (bench/viewer.sh starts the stack and Orthanc and prints the table): in headless
// Chromium, cold (a fresh browser context each repetition), the time from clicking a study in the worklist to its first
// image and to its whole series loaded, then the scrolling rate; or the same for Orthanc's Web Viewer plugin.
//   node viewer-bench.js isocenter STUDY REPETITIONS        (ISOCENTER_GATEWAY_HTTP_PORT, ISOCENTER_TOKEN)
//   node viewer-bench.js orthanc URL REPETITIONS            (URL: …/web-viewer/app/viewer.html?series=ORTHANC_ID)
// Prints one line: first-image median p95, series-loaded median p95 (ms), slices/s by wheel, slices/s by arrow keys
// ("-" where it does not apply).
import { byTestId, closePage, drawn, launch, login, openPage, pixels } from "./lib/browser.js";

const [kind, target, repetitionsArgument] = process.argv.slice(2);
const repetitions = Number(repetitionsArgument ?? 1);
const scrolled = 100;

/** Reads performance mark NAME (its time since the page's time origin, ms), waiting for it across navigations. */
async function mark(page, name, timeout = 180_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await page
      .evaluate((n) => { const m = performance.getEntriesByName(n)[0]; return m && { origin: performance.timeOrigin, at: m.startTime }; }, name)
      .catch(() => undefined); // the page is navigating
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no performance mark ${name} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Scrolls SLICES slices as fast as frames are drawn: at each animation frame, one input event (a wheel event at the image's
 * centre, or an arrow key; back at the ends) if the slice shown changed since the last; counts the frames in which the
 * slice changed. `viewer` is "isocenter" (data-slice-index of the stack viewport) or "orthanc" (its slider's value; its
 * jQuery handler listens to the legacy mousewheel event). Resolves { slices, seconds }.
 */
function scroll(page, viewer, input, slices) {
  return page.evaluate(({ viewer, input, slices }) => new Promise((resolve, reject) => {
    const ours = viewer === "isocenter";
    const box = (ours ? document.querySelector('[data-testid="stack-viewport"]') : document.getElementById("dicomImage")).getBoundingClientRect();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    const target = document.elementFromPoint(x, y);
    const slider = () => window.jQuery("#slider");
    const count = ours ? Number(document.querySelector('[data-testid="stack-viewport"]').dataset.sliceCount) : slider().slider("option", "max") + 1;
    const current = () => Number(ours ? document.querySelector('[data-testid="stack-viewport"]').dataset.sliceIndex : slider().slider("option", "value"));
    let forward = true, last = current(), changed = 0;
    const fire = () => {
      if (last >= count - 1) forward = false;
      else if (last <= 0) forward = true;
      const wheel = { deltaY: forward ? 100 : -100, clientX: x, clientY: y, bubbles: true, cancelable: true };
      if (input === "keys") (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent("keydown", { key: forward ? "ArrowDown" : "ArrowUp", bubbles: true, cancelable: true }));
      else if (ours) target.dispatchEvent(new WheelEvent("wheel", wheel));
      else target.dispatchEvent(new WheelEvent("mousewheel", { ...wheel, wheelDeltaY: forward ? -120 : 120 }));
    };
    const start = performance.now();
    const frame = () => {
      const now = current();
      if (now !== last) { changed++; last = now; fire(); }
      if (changed >= slices) return resolve({ slices: changed, seconds: (performance.now() - start) / 1000 });
      if (performance.now() - start > 120_000) return reject(new Error(`${changed} slices in 120 s`));
      requestAnimationFrame(frame);
    };
    fire();
    requestAnimationFrame(frame);
  }), { viewer, input, slices });
}

const rate = (r) => r.slices / r.seconds;

async function isocenter(browser, study) {
  const page = await openPage(browser);
  await login(page, "/");
  const row = page.locator(`[data-testid="study-row"][data-study-uid="${study}"]`);
  await row.waitFor();
  // The reader sees the worklist before choosing: its thumbnails have loaded when the study is clicked.
  await page.waitForFunction(() => [...document.images].every((image) => image.complete));
  const clicked = await row.evaluate((element) => { const t = performance.timeOrigin + performance.now(); element.click(); return t; });
  const first = await mark(page, "isocenter:first-image");
  if (process.env.BENCH_TRACE) {
    // The requests before the first image, in ms from the click: start, first byte, end (stderr, one line per repetition).
    const trace = await page.evaluate(({ clicked, first }) => performance.getEntriesByType("resource")
      .filter((r) => r.startTime + performance.timeOrigin >= clicked - 1 && r.startTime + performance.timeOrigin <= first)
      .map((r) => `${new URL(r.name).pathname.split("/").slice(-2).join("/").slice(0, 24)} ${[r.startTime, r.responseStart, r.responseEnd].map((t) => (t + performance.timeOrigin - clicked).toFixed(0)).join("/")}`)
      .join(" | "), { clicked, first: first.origin + first.at });
    console.error(`first image ${(first.origin + first.at - clicked).toFixed(0)} ms: ${trace}`);
  }
  const loaded = await mark(page, "isocenter:series-loaded");
  const stack = byTestId(page, "stack-viewport");
  if (!drawn(await pixels(stack))) throw new Error("the stack viewport is blank after isocenter:series-loaded");
  const wheel = await scroll(page, "isocenter", "wheel", scrolled);
  const keys = await scroll(page, "isocenter", "keys", scrolled);
  // Reported, not fatal: the figures stand, and the end-to-end tests are where errors fail.
  for (const error of page.errors) console.error(`warning: ${error}`);
  await closePage(page);
  return { first: first.origin + first.at - clicked, loaded: loaded.origin + loaded.at - clicked, wheel: rate(wheel), keys: rate(keys) };
}

// Orthanc's Web Viewer 2.8 fetches a slice (synchronous XHR) when it is shown, and prefetches nothing: its series is
// loaded once every slice has been shown, which the benchmark does as fast as it answers, by wheel events.
async function orthanc(browser, url) {
  const page = await openPage(browser);
  // First image: the first animation frame in which Cornerstone's canvas holds an image (drawn, as for ours).
  await page.addInitScript(() => {
    const watch = () => {
      const canvas = document.querySelector("#dicomImage canvas");
      if (canvas && canvas.width > 1) {
        const probe = document.createElement("canvas");
        probe.width = probe.height = 32;
        const g = probe.getContext("2d", { willReadFrequently: true });
        g.drawImage(canvas, 0, 0, 32, 32);
        const data = g.getImageData(0, 0, 32, 32).data;
        let lit = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] > 16) lit++;
        if (lit > 20) return performance.mark("orthanc:first-image");
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.goto(url);
  const first = await mark(page, "orthanc:first-image");
  const count = await page.evaluate(() => window.jQuery("#slider").slider("option", "max") + 1);
  await scroll(page, "orthanc", "wheel", count - 1);
  const loaded = await page.evaluate(() => performance.now());
  const wheel = await scroll(page, "orthanc", "wheel", scrolled);
  await closePage(page);
  return { first: first.at, loaded, wheel: rate(wheel), keys: undefined };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const browser = await launch();
try {
  const runs = [];
  for (let i = 0; i < repetitions; i++) runs.push(kind === "orthanc" ? await orthanc(browser, target) : await isocenter(browser, target));
  const ms = (key, p) => percentile(runs.map((r) => r[key]), p).toFixed(0);
  const perSecond = (key) => (runs[0][key] === undefined ? "-" : percentile(runs.map((r) => r[key]), 50).toFixed(1));
  console.log([ms("first", 50), ms("first", 95), ms("loaded", 50), ms("loaded", 95), perSecond("wheel"), perSecond("keys")].join(" "));
} finally {
  await browser.close();
}
