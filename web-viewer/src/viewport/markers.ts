import { el } from "../app/dom";

export type Edge = "top" | "right" | "bottom" | "left";
const edges: Edge[] = ["top", "right", "bottom", "left"];

/** The orientation markers at a viewport's four edges (A/P, L/R, H/F: PS3.3 C.7.6.1.1.1). */
export class EdgeMarkers {
  private readonly elements = edges.map((edge) => el("div", { class: `marker ${edge}` }));

  /** The four marker elements, to append to the viewport. */
  get nodes(): HTMLElement[] {
    return this.elements;
  }

  /** Shows these labels (an edge not named is left blank). */
  set(labels: Partial<Record<Edge, string>> | undefined): void {
    edges.forEach((edge, i) => (this.elements[i]!.textContent = labels?.[edge] ?? ""));
  }
}
