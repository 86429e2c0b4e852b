/**
 * Links between views. Inside the app a link changes the route without a page load; an
 * element embedded in another page has no app around it, so its links and navigations go
 * to the workbench's own pages (`api` + path).
 */

/** The event an element sends to ask for another view; the app cancels it and routes. */
export const NAVIGATE_EVENT = 'athanor-navigate';

export interface NavigateDetail {
  path: string;
  /** Replace the current history entry (a view's own state, such as a sort) instead of adding one. */
  replace?: boolean;
}

/** The href for a workbench page, from an element whose API base is `api`. */
export function pageHref(api: string, path: string): string {
  return `${api.replace(/\/+$/, '')}${path}`;
}

/** Asks the app (if any) to show `path`; without an app, loads the workbench's page. */
export function navigate(from: EventTarget, api: string, path: string): void {
  const event = new CustomEvent<NavigateDetail>(NAVIGATE_EVENT, { detail: { path }, bubbles: true, composed: true, cancelable: true });
  if (from.dispatchEvent(event)) window.location.assign(pageHref(api, path));
}

/** Puts a view's state in the app's URL (`path` with its query), replacing the entry; embedded, nothing. */
export function replaceInApp(from: EventTarget, path: string): void {
  from.dispatchEvent(new CustomEvent<NavigateDetail>(NAVIGATE_EVENT, { detail: { path, replace: true }, bubbles: true, composed: true, cancelable: true }));
}
