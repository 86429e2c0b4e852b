/**
 * A run's results as the results panel shows them: the latest value of each key, sortable
 * by key or by when it was recorded, and the numeric series of keys whose values are
 * numbers (for their sparkline). Pure, so it is tested without a DOM.
 */
import type { ResultEntry, ResultSeries } from '../client/api-client.ts';

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

  /** Replaces everything with `entries` (the latest of each key). */
  load(entries: readonly ResultEntry[]): void {
    this.latest.clear();
    this.series.clear();
    this.#seriesSeq.clear();
    for (const entry of entries) this.latest.set(entry.key, entry);
  }

  /**
   * New points from the live stream; returns keys whose latest value is a number but whose
   * series is not loaded. A series that grows is a new array (once per call), so the
   * elements given it see the change: the same array, grown, would not redraw them.
   */
  add(entries: readonly ResultEntry[]): string[] {
    const missing = new Set<string>();
    const grown = new Set<string>();
    for (const entry of entries) {
      const previous = this.latest.get(entry.key);
      if (!previous || previous.seq < entry.seq) this.latest.set(entry.key, entry);
      let series = this.series.get(entry.key);
      if (series === undefined) {
        if (typeof entry.value === 'number') missing.add(entry.key);
      } else if (series !== null && entry.seq > (this.#seriesSeq.get(entry.key) ?? 0)) {
        this.#seriesSeq.set(entry.key, entry.seq);
        if (typeof entry.value === 'number' && Number.isFinite(entry.value)) {
          if (!grown.has(entry.key)) this.series.set(entry.key, (series = series.slice()));
          grown.add(entry.key);
          series.push(entry.value);
          if (series.length > MAX_SERIES_POINTS) series.splice(0, series.length - MAX_SERIES_POINTS);
        } else this.series.set(entry.key, null);
      }
    }
    return [...missing];
  }

  /**
   * Sets a key's series from its downsampled read (`GET /api/runs/:id/results/series`:
   * the values, in order, each bucket's extremes kept).
   */
  setSeries(key: string, series: ResultSeries): void {
    this.series.set(key, series.points.map((point) => point[1]).slice(-MAX_SERIES_POINTS));
    this.#seriesSeq.set(key, series.lastSeq);
  }

  /** Keys whose latest value is a number and whose series is not loaded. */
  numericKeysWithoutSeries(): string[] {
    return [...this.latest.values()].filter((e) => typeof e.value === 'number' && !this.series.has(e.key)).map((e) => e.key);
  }
}
