/** The viewer's runtime configuration, from `/config.js` (served as is, so a deployment replaces it; never bundled). */
export interface ViewerConfig {
  dicomWebRoot: string;
  renderRoot: string;
  activityUrl: string;
  /** The PACS service's REST API (node registry, retrievals). */
  pacsRoot: string;
  /** The review service's REST API (reading sets, share links, the reviewer's worklist and findings). */
  reviewRoot: string;
}

declare global {
  interface Window {
    isocenterConfig?: Partial<ViewerConfig>;
  }
}

export function viewerConfig(): ViewerConfig {
  const c = window.isocenterConfig ?? {};
  return {
    dicomWebRoot: c.dicomWebRoot ?? "/dicomweb",
    renderRoot: c.renderRoot ?? "/render",
    activityUrl: c.activityUrl ?? "/api/activity",
    pacsRoot: c.pacsRoot ?? "/api",
    reviewRoot: c.reviewRoot ?? "/api",
  };
}
