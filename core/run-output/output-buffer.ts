/**
 * A run's output between the child and storage. Entries wait here until the next flush;
 * a flush starts as soon as the previous one is done (so latency is one flush when idle,
 * and batches grow by themselves under load), or, up to `maxInFlight`, as soon as a full
 * batch waits (so storage that can take two batches at once is kept busy; the store
 * function commits them in order). Past the high-water
 * mark the buffer asks for the child's output to pause, and below the low-water mark to
 * resume: memory is bounded by the marks, however long the run.
 */
import type { EncodedLogEntry, EncodedResultEntry } from '../experiments-service.ts';
import type { RunProgress } from '../records.ts';

export interface OutputBufferOptions {
  /** Stores one batch; called with at most `batchSize` entries of each kind. */
  store(logs: EncodedLogEntry[], results: EncodedResultEntry[], progress: RunProgress | undefined): Promise<void>;
  pause(): void;
  resume(): void;
  /** A store failed: the buffer stops taking entries. */
  onError(error: unknown): void;
  batchSize?: number;
  /** Flushes under way at once, at most; a second one starts only for a full batch. */
  maxInFlight?: number;
  /**
   * Entries waiting past which the output pauses; a function when the bound is shared
   * (the supervisor splits one budget among its runs). Output resumes below a quarter of it,
   * and a flush takes at most half of it.
   */
  highWater?: number | (() => number);
  /** Latest a flush starts after the entry that needs it (the timer under load). */
  maxDelayMs?: number;
}

/** Entries of each kind one flush stores at most (less when the run's share is small). */
export const FLUSH_BATCH_SIZE = 5000;

export class OutputBuffer {
  readonly #options: Required<Omit<OutputBufferOptions, 'store' | 'pause' | 'resume' | 'onError'>> & OutputBufferOptions;
  readonly #highWater: () => number;
  #logs: EncodedLogEntry[] = [];
  #results: EncodedResultEntry[] = [];
  #progress: RunProgress | undefined;
  readonly #flushes = new Set<Promise<void>>();
  #paused = false;
  #failed = false;
  #timer: NodeJS.Timeout | undefined;
  #peak = 0;

  constructor(options: OutputBufferOptions) {
    this.#options = { batchSize: FLUSH_BATCH_SIZE, maxInFlight: 1, highWater: 20_000, maxDelayMs: 100, ...options };
    const { highWater } = this.#options;
    this.#highWater = typeof highWater === 'function' ? highWater : () => highWater;
  }

  get size(): number {
    return this.#logs.length + this.#results.length;
  }

  /** The most entries ever waiting at once (memory stays bounded by the marks). */
  get peak(): number {
    return this.#peak;
  }

  add(logs: readonly EncodedLogEntry[], results: readonly EncodedResultEntry[], progress?: RunProgress): void {
    if (this.#failed) return;
    for (const entry of logs) this.#logs.push(entry);
    for (const entry of results) this.#results.push(entry);
    if (progress) this.#progress = progress;
    this.#peak = Math.max(this.#peak, this.size);
    if (!this.#paused && this.size > this.#highWater()) {
      this.#paused = true;
      this.#options.pause();
    }
    this.#schedule();
  }

  /** Resolves when everything added so far is stored (or storing failed). */
  async drain(): Promise<void> {
    while (this.#flushes.size > 0 || (!this.#failed && (this.size > 0 || this.#progress))) {
      if (this.#flushes.size === 0) this.#start();
      if (this.#flushes.size === 0) return;
      await Promise.race(this.#flushes);
    }
  }

  #batchSize(): number {
    return Math.max(1, Math.min(this.#options.batchSize, Math.floor(this.#highWater() / 2)));
  }

  #schedule(): void {
    const flushing = this.#flushes.size;
    const fullBatch = Math.max(this.#logs.length, this.#results.length) >= this.#batchSize();
    if (flushing === 0 || (flushing < this.#options.maxInFlight && fullBatch)) return this.#start();
    // Flushes are under way; the next starts when one ends. The timer is a safety net.
    this.#timer ??= setTimeout(() => ((this.#timer = undefined), this.#flushes.size ? undefined : this.#start()), this.#options.maxDelayMs);
  }

  #start(): void {
    if (this.#failed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batchSize = this.#batchSize();
    const logs = this.#logs.length <= batchSize ? this.#logs : this.#logs.slice(0, batchSize);
    this.#logs = logs === this.#logs ? [] : this.#logs.slice(batchSize);
    const results = this.#results.length <= batchSize ? this.#results : this.#results.slice(0, batchSize);
    this.#results = results === this.#results ? [] : this.#results.slice(batchSize);
    const progress = this.#progress;
    this.#progress = undefined;
    if (logs.length === 0 && results.length === 0 && !progress) return;
    const flush: Promise<void> = this.#options
      .store(logs, results, progress)
      .catch((error) => {
        if (this.#failed) return; // a later batch fails with the first: report that one only
        this.#failed = true;
        this.#logs = [];
        this.#results = [];
        this.#options.onError(error);
      })
      .finally(() => {
        this.#flushes.delete(flush);
        if (this.#paused && this.size < this.#highWater() / 4) {
          this.#paused = false;
          this.#options.resume();
        }
        if (this.size > 0 || this.#progress) this.#schedule();
      });
    this.#flushes.add(flush);
  }
}
