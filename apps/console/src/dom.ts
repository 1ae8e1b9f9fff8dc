type Child = Node | string | null | undefined | false;

/** document.createElement with attributes and children; text is always text (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element as T;
}

/** `2026-12-02 06:10:33 UTC` inside a <time> carrying the exact instant. */
export function timeElement(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso, title: iso }, `${iso.slice(0, 19).replace('T', ' ')} UTC`);
}

export function statusBadge(status: string): HTMLSpanElement {
  return h('span', { class: `status status-${status.toLowerCase()}` }, status);
}

/** Writes a message into a live region (role=status or role=alert), or clears it. */
export function say(region: HTMLElement, message: string, isError = false): void {
  region.textContent = message;
  region.classList.toggle('error', isError);
}
