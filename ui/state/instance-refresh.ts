/**
 * Re-reading the instances of a paged list that live run events touched, in few requests:
 * a handful of loaded instances one by one (`GET /api/instances/:id`, with its latest run
 * and metrics), or, when many changed or one outside the loaded rows did while the list is
 * by activity (it now sorts to the top), the loaded head of the list in one request. The
 * head, with the list's count, is also what a list re-reads when an instance it had not
 * loaded was created or deleted: whether its read counted it, the event cannot tell.
 */
import type { ApiClient } from '../client/api-client.ts';
import { mergeHead, placeInstance, type InstanceListQuery, type InstancePages } from './instance-pages.ts';

/** Up to this many touched instances are re-read one by one. */
const FEW = 6;
/** The most rows a head re-read asks for. */
const HEAD_LIMIT = 200;

/**
 * Fetches what `ids` need (the head and the count too with `recount`) and returns how to
 * apply it to the list as it is by then (events may have changed it meanwhile); undefined
 * when there is nothing to apply.
 */
export async function refreshInstances(
  client: ApiClient,
  pages: InstancePages,
  ids: readonly string[],
  query: InstanceListQuery,
  firstPage: number,
  recount = false,
): Promise<((current: InstancePages) => InstancePages) | undefined> {
  const loaded = new Set(pages.items.map((i) => i.id));
  const elsewhere = ids.some((id) => !loaded.has(id));
  if (recount || ids.length > FEW || (elsewhere && query.sort === 'activity')) {
    const limit = Math.min(Math.max(pages.items.length, firstPage), HEAD_LIMIT);
    const page = await client.listInstances({ ...query, limit }).catch(() => undefined);
    return page && ((current) => mergeHead(current, page));
  }
  const settled = await Promise.allSettled(ids.filter((id) => loaded.has(id)).map((id) => client.getInstance(id)));
  const fresh = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  return fresh.length ? (current) => fresh.reduce((list, instance) => placeInstance(list, instance, query, false), current) : undefined;
}

/**
 * Runs a list's re-reads one after another. Two at once could be answered out of order: a
 * head re-read read before a run ended, answered after a quicker read that came later, put
 * back the run as running, for good (no event was left to come).
 */
export class Serial {
  #last: Promise<unknown> = Promise.resolve();

  run(task: () => Promise<void>): Promise<void> {
    const next = this.#last.then(task, task);
    this.#last = next.catch(() => {});
    return next;
  }
}

/** Gathers the ids events name and hands them to `flush` together, `delayMs` after the first. */
export class Burst {
  #ids = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly flush: (ids: string[]) => void,
    readonly delayMs = 200,
  ) {}

  add(id: string): void {
    this.#ids.add(id);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const ids = [...this.#ids];
      this.#ids.clear();
      this.flush(ids);
    }, this.delayMs);
  }

  /** Drops what is gathered (the element left the page). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#ids.clear();
  }
}
