type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (`on…` functions become listeners) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | EventListener | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Sends the browser to the gateway's login page, to come back here once signed in. */
export function goToLogin(): void {
  const here = location.pathname + location.search;
  location.assign(`/login?return=${encodeURIComponent(here)}`);
}

/** A message for an error, for people: HTTP errors carry their status and the server's problem detail. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
