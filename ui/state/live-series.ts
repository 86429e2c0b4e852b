/**
 * A run's series as a live chart keeps it: the server's downsampled read, then the values
 * recorded after it. A live value may already be in the read (it arrived while the read was
 * under way, or the tab's stream sent it again from before the read): the read's `lastSeq`
 * tells, as every result entry carries its sequence number.
 */
import type { ResultEntry } from '../../core/records.ts';

/** A live result a chart can draw: a finite number. */
export type NumericEntry = ResultEntry & { value: number };

export const isNumericEntry = (entry: ResultEntry): entry is NumericEntry => typeof entry.value === 'number' && Number.isFinite(entry.value);

/**
 * Keeps the entries a series does not hold yet: those after `lastSeq` (the read's, then the
 * last entry kept), in order; a value sent twice is kept once. Returns them and the new
 * `lastSeq`.
 */
export function afterSeq<T extends ResultEntry>(lastSeq: number, entries: readonly T[]): { fresh: T[]; lastSeq: number } {
  const fresh: T[] = [];
  for (const entry of entries) {
    if (entry.seq <= lastSeq) continue;
    fresh.push(entry);
    lastSeq = entry.seq;
  }
  return { fresh, lastSeq };
}
