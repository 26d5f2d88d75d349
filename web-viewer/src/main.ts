import { HttpError } from "./dicomweb/client";
import { showNodes } from "./app/nodes";
import { showReadingSet, showReadingSets } from "./app/readingSets";
import { showReview } from "./app/review";
import { showReviewCase } from "./app/reviewCase";
import { showStudy } from "./app/studyView";
import { showWorklist } from "./app/worklist";
import { el, goToLogin } from "./app/dom";
import { viewerConfig } from "./config";
import { DicomWebClient } from "./dicomweb/client";
import { PacsClient } from "./pacs/client";
import { ReviewClient } from "./review/client";
import "./styles.css";

/**
 * A 401: staff go to the login page; a reviewer's page is loaded again, so that the gateway answers the navigation with
 * its page for a share link that no longer opens (expired or revoked) rather than a login form they have no use for.
 */
function unauthorized(): void {
  const reviewing = location.pathname.startsWith("/review") || new URLSearchParams(location.search).get("review") === "1";
  // (Once: should the page itself load and its requests still be refused, the login page is the way out of a loop.)
  const last = Number(sessionStorage.getItem("isocenter-reloaded") ?? 0);
  if (reviewing && Date.now() - last > 10_000) {
    sessionStorage.setItem("isocenter-reloaded", String(Date.now()));
    location.reload();
  } else goToLogin();
}

const config = viewerConfig();
const client = new DicomWebClient(config.dicomWebRoot, unauthorized);
const pacs = new PacsClient(config.pacsRoot, unauthorized);
const review = new ReviewClient(config.reviewRoot, unauthorized);
const root = document.getElementById("app")!;
let leave: (() => void) | undefined;

/**
 * Whether this session is staff (may see the archive's worklist, nodes and reading sets). A share-link session (a
 * reviewer's cookie) is refused the owner's API with 403: it is sent to its review instead. Asked once per page load;
 * anything but a 403 (the review service down, say) counts as staff, whose pages then say what failed.
 */
let staff: Promise<boolean> | undefined;
function isStaff(): Promise<boolean> {
  staff ??= review.readingSets().then(
    () => true,
    (error: unknown) => !(error instanceof HttpError && error.status === 403),
  );
  return staff;
}

/**
 * Shows the page of the current URL: `/viewer?StudyInstanceUID=…` is the study view (`&review=1`: a case of a review,
 * with the findings panel), `/review` the reviewer's cases, `/reading-sets[/{id}]` the owner's reading sets,
 * `/admin/nodes` the node registry, anything else the worklist. The staff pages first check that the session is staff.
 */
async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  const params = new URLSearchParams(location.search);
  const study = params.get("StudyInstanceUID");
  const path = location.pathname.replace(/\/+$/, "");
  const readingSet = params.get("readingSet") ?? undefined;
  const series = params.get("SeriesInstanceUID") ?? undefined;
  const studyServices = { client, pacs, renderRoot: config.renderRoot, activityUrl: config.activityUrl };
  if (path === "/viewer" && study && params.get("review") === "1") {
    leave = showReviewCase(root, { ...studyServices, review, readingSet }, study, series, navigate);
    return;
  }
  if (path === "/viewer" && study) {
    leave = showStudy(root, studyServices, study, series, () => navigate("/"));
    return;
  }
  if (path === "/review") {
    leave = showReview(root, { client, review, readingSet }, navigate);
    return;
  }
  root.replaceChildren(el("div", { class: "status" }, "Loading…"));
  const here = location.href;
  if (!(await isStaff())) {
    if (location.href === here) navigate("/review", true);
    return;
  }
  if (location.href !== here) return; // another page was asked for meanwhile
  const setPage = /^\/reading-sets\/([^/]+)$/.exec(path);
  if (setPage) {
    leave = showReadingSet(root, review, decodeURIComponent(setPage[1]!), { go: navigate });
  } else if (path === "/reading-sets") {
    leave = showReadingSets(root, review, { go: navigate });
  } else if (path === "/admin/nodes") {
    leave = showNodes(root, pacs, () => navigate("/"));
  } else {
    document.title = "Isocenter";
    leave = showWorklist(root, { client, pacs, review, activityUrl: config.activityUrl }, {
      open: (uid) => navigate(`/viewer?StudyInstanceUID=${encodeURIComponent(uid)}`),
      go: navigate,
    });
  }
}

function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  void route();
}

window.addEventListener("popstate", () => void route());
void route();
