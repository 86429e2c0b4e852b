/**
 * The instances a list has fetched so far, page by page from `GET /api/instances?limit=`,
 * kept in the server's order while live events add, change and remove instances.
 *
 * Only a prefix of the matching instances is loaded; an instance that an event places
 * after the last loaded one is left for the page that will bring it (the server's cursor
 * is on the sort key, so pages fetched later neither skip nor repeat it).
 */
import { compareInstances, type Instance, type InstancePage, type InstanceSort } from '../../core/records.ts';

/** Which instances a list shows, and in what order. */
export interface InstanceListQuery {
  experiment?: string;
  /** A case-insensitive substring of the name. */
  q?: string;
  sort: InstanceSort;
}

export interface InstancePages {
  readonly items: readonly Instance[];
  /** The cursor of the next page, or null when every match is loaded. */
  readonly next: string | null;
  /** How many instances match in all (loaded or not). */
  readonly total: number;
}

/** Whether `instance` belongs in a list asked with `query` (as the server filters). */
export function matchesQuery(instance: Instance, query: InstanceListQuery): boolean {
  if (query.experiment && instance.experiment !== query.experiment) return false;
  const q = query.q?.trim().toLowerCase();
  return !q || instance.name.toLowerCase().includes(q);
}

/** The first page. */
export function firstPage(page: InstancePage): InstancePages {
  return { items: page.items, next: page.next, total: page.total };
}

/** `pages` with the next page appended (an instance already shown, moved there by an event, is not repeated). */
export function appendPage(pages: InstancePages, page: InstancePage): InstancePages {
  const shown = new Set(pages.items.map((i) => i.id));
  return { items: [...pages.items, ...page.items.filter((i) => !shown.has(i.id))], next: page.next, total: page.total };
}

/** Whether the instance `id` is among the loaded rows. */
export function isLoaded(pages: InstancePages, id: string): boolean {
  return pages.items.some((i) => i.id === id);
}

/**
 * `pages` with `instance` (created or changed) in its place: removed when it no longer
 * matches, moved where the sort puts it, or left for a later page when it sorts after
 * everything loaded. Its `latestRun` is kept from the shown copy when the new one has none.
 *
 * A created instance that was not loaded counts one more only where it is shown: the
 * stream may send again the creation of one the list's read already counted (on a page
 * not loaded), so a list re-reads its count for those (instance-refresh.ts).
 */
export function placeInstance(pages: InstancePages, instance: Instance, query: InstanceListQuery, created: boolean): InstancePages {
  const old = pages.items.find((i) => i.id === instance.id);
  const others = pages.items.filter((i) => i.id !== instance.id);
  if (!matchesQuery(instance, query)) return old ? { ...pages, items: others, total: pages.total - 1 } : pages;
  const merged: Instance = instance.latestRun === undefined && old ? { ...instance, latestRun: old.latestRun } : instance;
  // Placed among the others, which keep the order the server sent.
  const compare = compareInstances(query.sort);
  const at = others.findIndex((other) => compare(merged, other) < 0);
  // Past the loaded prefix while more pages remain: a later page brings it.
  if (at === -1 && pages.next !== null) return { ...pages, items: others, total: pages.total };
  const items = [...others];
  items.splice(at === -1 ? items.length : at, 0, merged);
  return { ...pages, items, total: created && !old ? pages.total + 1 : pages.total };
}


/** `pages` without the instance `id` (deleted). */
export function removeInstance(pages: InstancePages, id: string): InstancePages {
  const items = pages.items.filter((i) => i.id !== id);
  return items.length === pages.items.length ? pages : { ...pages, items, total: Math.max(0, pages.total - 1) };
}

/** `pages` with `change` applied to the instance `id`, re-sorted; unchanged when it is not loaded. */
export function updateInstance(pages: InstancePages, id: string, change: (instance: Instance) => Instance, query: InstanceListQuery): InstancePages {
  const old = pages.items.find((i) => i.id === id);
  return old ? placeInstance(pages, change(old), query, false) : pages;
}

/**
 * `pages` with its first rows fetched again (`page`, from the first cursor): those rows
 * replace their older copies, the rest of what was loaded follows in its order. How a busy
 * list catches up with many changes (a sweep's runs) in one request.
 */
export function mergeHead(pages: InstancePages, page: InstancePage): InstancePages {
  // Fetched as many as were loaded (or more): the page is the whole loaded prefix now.
  if (pages.items.length <= page.items.length || page.next === null) return firstPage(page);
  const fresh = new Set(page.items.map((i) => i.id));
  return { items: [...page.items, ...pages.items.filter((i) => !fresh.has(i.id))], next: pages.next, total: page.total };
}
