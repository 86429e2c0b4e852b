/**
 * A run's series as a live chart keeps it: the server's downsampled read, then the values
 * recorded after it. Values that arrive while the read is under way may already be in it;
 * the read keeps the series' last point, which tells how many.
 */
import type { ResultEntry, ResultSeries } from '../../core/records.ts';

/** A live result a chart can draw: a finite number. */
export type NumericEntry = ResultEntry & { value: number };

export const isNumericEntry = (entry: ResultEntry): entry is NumericEntry => typeof entry.value === 'number' && Number.isFinite(entry.value);

/**
 * How many of `held` (live values of the key, in order, that arrived while `read` was
 * under way) `read` already counts: up to the last one that is the read's last point
 * (same value, and the same step or time). None when the read's last point is not the
 * series' last (then it cannot tell) or matches none of them.
 */
export function countedInRead(read: ResultSeries, held: readonly NumericEntry[], axis: 'step' | 'time'): number {
  const last = read.points[read.points.length - 1];
  if (!last || (axis === 'step' && last[0] !== read.total - 1)) return 0;
  for (let j = held.length - 1; j >= 0; j--) {
    const entry = held[j]!;
    if (Object.is(entry.value, last[1]) && (axis === 'step' || Date.parse(entry.recordedAt) === last[0])) return j + 1;
  }
  return 0;
}
