/**
 * The part of a run's log a reader can see, held in a bounded number of pages, however
 * long the log is.
 *
 * Design note.
 * - Rows are numbered 0..rowCount-1. Without a level filter, row i is the entry with
 *   sequence number i+1 (seq is dense per run, 1..logCount), so any scroll position maps to
 *   a page and its cursor (`after = page * pageSize`) without reading anything before it:
 *   a jump to the middle of a million lines costs one request.
 * - With a level filter seq is no longer dense and the API only pages forward (`after`).
 *   The filtered list is then walked by cursor: page k starts after `cursors[k]` (the last
 *   seq of page k-1), learnt as pages arrive and kept (one number per page, so a million
 *   lines keep a thousand numbers) even when the page itself is evicted, so scrolling back
 *   refetches in one request. Until the end is found, `rowCount` is the rows found so far
 *   plus one page still to read: the scrollbar grows as the reader goes down (an
 *   approximate scrollbar, exact once the end is reached).
 * - Each page is an array filled from its start (a prefix). A page missing rows the reader
 *   looks at is continued from its last entry (`after = last seq`), so gaps left by the
 *   live stream (`omitted` ranges, or entries that arrived while the page was not loaded)
 *   are filled by the same request as a first load.
 * - At most `maxPages` pages are kept; the least recently used that the reader is not
 *   looking at are dropped. At most two requests are in flight, for pages still wanted
 *   when they start (scrolling fast through the list asks only for where it stops).
 */
import type { LogEntry, LogLevel, Page } from '../client/api-client.ts';

export const ALL_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LogWindowOptions {
  /** Reads a page: entries with seq > after, at most limit, only `levels` when given. */
  fetch(after: number, limit: number, levels: readonly LogLevel[] | undefined): Promise<Page<LogEntry>>;
  /** Called when rows or the row count changed (the view re-renders, once a frame). */
  onChange(): void;
  /** Called when a read failed. */
  onError?(error: unknown): void;
  pageSize?: number;
  maxPages?: number;
  concurrency?: number;
}

/** Pages read ahead of the ones in view, in the direction the reader scrolls. */
const READ_AHEAD = 2;

interface PageSlot {
  rows: LogEntry[];
  used: number;
  /** The row count when a read of this page came back short: not asked again until it changes. */
  shortAt?: number;
}

export class LogWindow {
  readonly pageSize: number;
  readonly maxPages: number;
  readonly #o: LogWindowOptions;
  readonly #concurrency: number;
  #levels: readonly LogLevel[] | undefined;
  #total = 0;
  /** Filtered mode: the cursor each known page starts after. */
  #cursors: number[] = [0];
  /** Filtered mode: the exact row count once the end is known. */
  #end: number | null = null;
  #pages = new Map<number, PageSlot>();
  #inFlight = new Set<number>();
  #wanted: number[] = [];
  #visible: [number, number] = [0, -1];
  #previousFirst = 0;
  #clock = 0;
  #generation = 0;

  constructor(options: LogWindowOptions) {
    this.#o = options;
    this.pageSize = options.pageSize ?? 1000;
    this.maxPages = Math.max(2, options.maxPages ?? 12);
    this.#concurrency = options.concurrency ?? 2;
  }

  /** The levels shown, or undefined for all. */
  get levels(): readonly LogLevel[] | undefined {
    return this.#levels;
  }

  get filtered(): boolean {
    return this.#levels !== undefined;
  }

  /** The entries the run has (the run's logCount, raised by live events). */
  get total(): number {
    return this.#total;
  }

  /** Rows in the list: exact without a filter; with one, exact once the end is known. */
  get rowCount(): number {
    if (!this.filtered) return this.#total;
    if (this.#levels!.length === 0) return 0;
    return this.#end ?? this.#cursors.length * this.pageSize;
  }

  /** Whether the row count is exact (false while a filtered list is still being walked). */
  get exact(): boolean {
    return !this.filtered || this.#end !== null || this.#levels!.length === 0;
  }

  /** Pages held in memory (for tests and the benchmark). */
  get pagesHeld(): number {
    return this.#pages.size;
  }

  /** The entry at row `i`, if loaded. */
  row(i: number): LogEntry | undefined {
    const slot = this.#pages.get(Math.floor(i / this.pageSize));
    return slot?.rows[i % this.pageSize];
  }

  /** The newest entry held (for following the tail). */
  lastLoaded(): LogEntry | undefined {
    const count = this.rowCount;
    return count > 0 ? this.row(count - 1) : undefined;
  }

  /** Sets the run's entry count (from its record); never lowers it. */
  setTotal(total: number): void {
    if (total <= this.#total) return;
    this.#total = total;
    if (this.filtered && this.#end !== null) this.#end = null; // more may match
    this.#o.onChange();
  }

  /** Shows only `levels` (all four or undefined: no filter). Drops the pages held. */
  setLevels(levels: readonly LogLevel[] | undefined): void {
    const normal = levels === undefined || ALL_LEVELS.every((l) => levels.includes(l)) ? undefined : ALL_LEVELS.filter((l) => levels.includes(l));
    if ((normal?.join(',') ?? '*') === (this.#levels?.join(',') ?? '*')) return;
    this.#levels = normal;
    this.#generation++;
    this.#pages.clear();
    this.#inFlight.clear();
    this.#cursors = [0];
    this.#end = null;
    this.#o.onChange();
  }

  /** Forgets every page (after missed events); the next `show` reads again. */
  reset(): void {
    this.#generation++;
    this.#pages.clear();
    this.#inFlight.clear();
    this.#cursors = [0];
    this.#end = null;
  }

  /** The reader sees rows first..last: load what they need, keep them held. */
  show(first: number, last: number): void {
    const count = this.rowCount;
    last = Math.min(last, count - 1);
    first = Math.max(0, Math.min(first, last));
    this.#visible = [first, last];
    const wanted: number[] = [];
    if (last >= first) {
      const firstPage = Math.floor(first / this.pageSize);
      const lastPage = Math.floor(last / this.pageSize);
      for (let k = firstPage; k <= lastPage; k++) {
        const slot = this.#pages.get(k);
        if (slot) slot.used = ++this.#clock;
        if (this.#needs(k, slot, count)) wanted.push(k);
      }
      // Read ahead in the direction of scrolling, so a reader moving through the log meets
      // rows already there (when the bound leaves room for the pages ahead and the ones in view).
      const down = first >= this.#previousFirst;
      const pagesInView = lastPage - firstPage + 1;
      for (let step = 1; step <= READ_AHEAD && pagesInView + step < this.maxPages; step++) {
        const k = down ? lastPage + step : firstPage - step;
        if (k < 0 || k * this.pageSize >= count) break;
        if (!this.#pages.has(k) && this.#needs(k, undefined, count)) wanted.push(k);
      }
    }
    this.#previousFirst = first;
    this.#wanted = wanted;
    this.#pump();
  }

  /** Live entries (in seq order), and the range the stream left out, if any. */
  append(entries: readonly LogEntry[], omitted?: { after: number; upTo: number }): void {
    let total = this.#total;
    if (omitted) total = Math.max(total, omitted.upTo);
    const lastSeq = entries.length ? entries[entries.length - 1]!.seq : 0;
    total = Math.max(total, lastSeq);
    const grew = total > this.#total;
    this.#total = total;
    if (this.filtered) this.#appendFiltered(entries, Boolean(omitted));
    else for (const entry of entries) this.#appendRow(entry.seq - 1, entry);
    if (grew || entries.length) this.#o.onChange();
  }

  #appendRow(index: number, entry: LogEntry): boolean {
    const k = Math.floor(index / this.pageSize);
    const offset = index - k * this.pageSize;
    let slot = this.#pages.get(k);
    if (!slot) {
      if (offset !== 0) return false;
      slot = { rows: [], used: ++this.#clock };
      this.#pages.set(k, slot);
      this.#evict();
    }
    if (slot.rows.length !== offset) return false;
    slot.rows.push(entry);
    return true;
  }

  #appendFiltered(entries: readonly LogEntry[], gap: boolean): void {
    const levels = this.#levels!;
    const matching = entries.filter((e) => levels.includes(e.level));
    if (this.#end === null) return; // the end is not known yet: found when read
    for (const entry of matching) {
      const index = this.#end;
      // Sent again (the live stream resumed from before what is shown): it is there already.
      const last = index > 0 ? this.row(index - 1)?.seq : undefined;
      if (last !== undefined && entry.seq <= last) continue;
      const k = Math.floor(index / this.pageSize);
      if (index % this.pageSize === 0 && k === this.#cursors.length) this.#cursors.push(this.row(index - 1)?.seq ?? entry.seq - 1);
      if (gap || !this.#appendRow(index, entry)) {
        this.#end = null; // the tail has a gap: read it
        return;
      }
      this.#end++;
    }
    if (gap) this.#end = null;
  }

  #needs(k: number, slot: PageSlot | undefined, count: number): boolean {
    if (this.filtered && k >= this.#cursors.length) return false;
    const expected = Math.min(this.pageSize, count - k * this.pageSize);
    if (slot && slot.rows.length >= expected) return false;
    if (slot?.shortAt === count) return false;
    return true;
  }

  #pump(): void {
    while (this.#inFlight.size < this.#concurrency && this.#wanted.length) {
      const k = this.#wanted.shift()!;
      // A page wanted when the list was made may have been filled since (its read came
      // back, or live entries completed it): asking again would ask for nothing.
      if (this.#inFlight.has(k) || !this.#needs(k, this.#pages.get(k), this.rowCount)) continue;
      this.#load(k);
    }
  }

  #load(k: number): void {
    const slot = this.#pages.get(k);
    const start = this.filtered ? this.#cursors[k]! : k * this.pageSize;
    const have = slot?.rows.length ?? 0;
    const after = have ? slot!.rows[have - 1]!.seq : start;
    const limit = this.pageSize - have;
    const generation = this.#generation;
    const countAsked = this.rowCount;
    this.#inFlight.add(k);
    this.#o
      .fetch(after, limit, this.#levels)
      .then((page) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(k);
        this.#receive(k, after, limit, page.items, countAsked);
        this.#o.onChange();
      })
      .catch((error: unknown) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(k);
        this.#o.onError?.(error);
      })
      .finally(() => {
        if (generation === this.#generation) this.#pump();
      });
  }

  #receive(k: number, after: number, limit: number, items: LogEntry[], countAsked: number): void {
    let slot = this.#pages.get(k);
    if (!slot) {
      slot = { rows: [], used: ++this.#clock };
      this.#pages.set(k, slot);
    }
    const last = slot.rows.length ? slot.rows[slot.rows.length - 1]!.seq : this.filtered ? this.#cursors[k]! : k * this.pageSize;
    if (last !== after) return; // live entries moved the page on meanwhile: the next show continues it
    for (const entry of items) slot.rows.push(entry);
    if (items.length < limit) slot.shortAt = countAsked;
    if (items.length) this.#total = Math.max(this.#total, items[items.length - 1]!.seq);
    if (this.filtered) {
      if (slot.rows.length === this.pageSize && k === this.#cursors.length - 1) this.#cursors.push(slot.rows[this.pageSize - 1]!.seq);
      else if (slot.rows.length < this.pageSize && k === this.#cursors.length - 1) this.#end = k * this.pageSize + slot.rows.length;
    }
    this.#evict();
  }

  /** Drops least-recently-used pages past the bound, never the ones in view. */
  #evict(): void {
    if (this.#pages.size <= this.maxPages) return;
    const [first, last] = this.#visible;
    const firstPage = Math.floor(first / this.pageSize);
    const lastPage = Math.floor(last / this.pageSize);
    const candidates = [...this.#pages].filter(([k]) => k < firstPage || k > lastPage).sort((a, b) => a[1].used - b[1].used);
    for (const [k] of candidates) {
      if (this.#pages.size <= this.maxPages) break;
      this.#pages.delete(k);
    }
  }
}
