import { showNodes } from "./app/nodes";
import { showStudy } from "./app/studyView";
import { showWorklist } from "./app/worklist";
import { goToLogin } from "./app/dom";
import { viewerConfig } from "./config";
import { DicomWebClient } from "./dicomweb/client";
import { PacsClient } from "./pacs/client";
import "./styles.css";

const config = viewerConfig();
const client = new DicomWebClient(config.dicomWebRoot, goToLogin);
const pacs = new PacsClient(config.pacsRoot, goToLogin);
const root = document.getElementById("app")!;
let leave: (() => void) | undefined;

/**
 * Shows the page of the current URL: `/viewer?StudyInstanceUID=…` is the study view, `/admin/nodes` the node registry,
 * anything else the worklist.
 */
function route(): void {
  leave?.();
  const params = new URLSearchParams(location.search);
  const study = params.get("StudyInstanceUID");
  const path = location.pathname.replace(/\/+$/, "");
  if (path === "/viewer" && study) {
    leave = showStudy(root, { client, pacs, renderRoot: config.renderRoot, activityUrl: config.activityUrl }, study, params.get("SeriesInstanceUID") ?? undefined, () => navigate("/"));
  } else if (path === "/admin/nodes") {
    leave = showNodes(root, pacs, () => navigate("/"));
  } else {
    document.title = "Isocenter";
    leave = showWorklist(root, { client, pacs, activityUrl: config.activityUrl }, {
      open: (uid) => navigate(`/viewer?StudyInstanceUID=${encodeURIComponent(uid)}`),
      go: navigate,
    });
  }
}

function navigate(url: string): void {
  history.pushState(null, "", url);
  route();
}

window.addEventListener("popstate", route);
route();
