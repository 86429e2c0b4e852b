/**
 * A run's results as the results panel shows them: the latest value of each key, sortable
 * by key or by when it was recorded, and the numeric series of keys whose values are
 * numbers (for their sparkline). Pure, so it is tested without a DOM.
 */
import type { ResultEntry, ResultSeries } from '../client/api-client.ts';
import { afterSeq } from './live-series.ts';

export type ResultSort = 'key' | 'time';
export type SortDirection = 'asc' | 'desc';

/** Points kept per series (the newest). */
export const MAX_SERIES_POINTS = 2000;

/** The entries in order: by key (natural order: `iteration_2` before `iteration_10`) or by time. */
export function sortResults(entries: Iterable<ResultEntry>, by: ResultSort, direction: SortDirection): ResultEntry[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sign = direction === 'asc' ? 1 : -1;
  const list = [...entries];
  list.sort((a, b) => {
    const order = by === 'key' ? collator.compare(a.key, b.key) || a.seq - b.seq : Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || a.seq - b.seq;
    return order * sign;
  });
  return list;
}

export class ResultsModel {
  /** The latest entry of each key. */
  readonly latest = new Map<string, ResultEntry>();
  /** Numeric series by key: numbers, or null once a value that is not a number was seen. */
  readonly series = new Map<string, number[] | null>();
  /** The sequence number of the last value each loaded series holds (a value sent again is not added twice). */
  readonly #seriesSeq = new Map<string, number>();
  /** Live values of keys whose series is not loaded yet (being read): the read may end before them. */
  readonly #pending = new Map<string, ResultEntry[]>();

  /** Replaces everything with `entries` (the latest of each key). */
  load(entries: readonly ResultEntry[]): void {
    this.latest.clear();
    this.series.clear();
    this.#seriesSeq.clear();
    this.#pending.clear();
    for (const entry of entries) this.latest.set(entry.key, entry);
  }

  /**
   * New points from the live stream; returns keys whose latest value is a number but whose
   * series is not loaded. A series that grows is a new array (once per call), so the
   * elements given it see the change: the same array, grown, would not redraw them.
   */
  add(entries: readonly ResultEntry[]): string[] {
    const missing = new Set<string>();
    const loaded = new Map<string, ResultEntry[]>();
    for (const entry of entries) {
      const previous = this.latest.get(entry.key);
      if (!previous || previous.seq < entry.seq) this.latest.set(entry.key, entry);
      const series = this.series.get(entry.key);
      if (series === undefined) {
        // Kept for the series read (a key with numbers is asked for one) to end with.
        if (typeof entry.value === 'number') missing.add(entry.key);
        else if (!this.#pending.has(entry.key)) continue;
        const pending = this.#pending.get(entry.key) ?? [];
        pending.push(entry);
        if (pending.length > MAX_SERIES_POINTS) pending.splice(0, pending.length - MAX_SERIES_POINTS);
        this.#pending.set(entry.key, pending);
      } else if (series !== null) {
        const list = loaded.get(entry.key);
        if (list) list.push(entry);
        else loaded.set(entry.key, [entry]);
      }
    }
    for (const [key, list] of loaded) this.#extend(key, this.series.get(key)!, list, true);
    return [...missing];
  }

  /**
   * Appends to `key`'s series the values of `entries` it does not hold (after its last seq),
   * into a copy when `copy` (once per `add`, so the elements given it see the change; the
   * same array, grown, would not redraw them); a value that is not a number ends it (null).
   */
  #extend(key: string, series: number[], entries: readonly ResultEntry[], copy: boolean): void {
    const { fresh, lastSeq } = afterSeq(this.#seriesSeq.get(key) ?? 0, entries);
    this.#seriesSeq.set(key, lastSeq);
    let copied = !copy;
    for (const entry of fresh) {
      if (typeof entry.value !== 'number' || !Number.isFinite(entry.value)) return void this.series.set(key, null);
      if (!copied) this.series.set(key, (series = series.slice()));
      copied = true;
      series.push(entry.value);
      if (series.length > MAX_SERIES_POINTS) series.splice(0, series.length - MAX_SERIES_POINTS);
    }
  }

  /**
   * Sets a key's series from its downsampled read (`GET /api/runs/:id/results/series`:
   * the values, in order, each bucket's extremes kept), with the live values that came
   * after it while it was read.
   */
  setSeries(key: string, series: ResultSeries): void {
    // A second read that holds nothing the series has not: what came live after it stays.
    if (this.series.has(key) && (this.#seriesSeq.get(key) ?? 0) >= series.lastSeq) return;
    this.series.set(key, series.points.map((point) => point[1]).slice(-MAX_SERIES_POINTS));
    this.#seriesSeq.set(key, series.lastSeq);
    this.#extend(key, this.series.get(key)!, this.#pending.get(key) ?? [], false);
    this.#pending.delete(key);
  }

  /** Keys whose latest value is a number and whose series is not loaded. */
  numericKeysWithoutSeries(): string[] {
    return [...this.latest.values()].filter((e) => typeof e.value === 'number' && !this.series.has(e.key)).map((e) => e.key);
  }
}
