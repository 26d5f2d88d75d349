import { showStudy } from "./app/studyView";
import { showWorklist } from "./app/worklist";
import { goToLogin } from "./app/dom";
import { viewerConfig } from "./config";
import { DicomWebClient } from "./dicomweb/client";
import "./styles.css";

const config = viewerConfig();
const client = new DicomWebClient(config.dicomWebRoot, goToLogin);
const root = document.getElementById("app")!;
let leave: (() => void) | undefined;

/** Shows the page of the current URL: `/viewer?StudyInstanceUID=…` is the study view, anything else the worklist. */
function route(): void {
  leave?.();
  const params = new URLSearchParams(location.search);
  const study = params.get("StudyInstanceUID");
  if (location.pathname.replace(/\/+$/, "") === "/viewer" && study) {
    leave = showStudy(root, { client, renderRoot: config.renderRoot, activityUrl: config.activityUrl }, study, params.get("SeriesInstanceUID") ?? undefined, () => navigate("/"));
  } else {
    document.title = "Isocenter";
    leave = showWorklist(root, client, config.activityUrl, (uid) => navigate(`/viewer?StudyInstanceUID=${encodeURIComponent(uid)}`));
  }
}

function navigate(url: string): void {
  history.pushState(null, "", url);
  route();
}

window.addEventListener("popstate", route);
route();
