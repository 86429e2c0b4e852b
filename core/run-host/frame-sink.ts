/**
 * The run host's RuntimeSink: buffers a run's output and writes it to the parent as
 * batch frames — when a batch is full (so a tight loop never holds more than one batch),
 * and otherwise as soon as the experiment yields. A call costs a push to an array.
 */
import type { ChildFrame, WireError, WireLog, WireProgress, WireResult } from '../ipc/ipc-protocol.ts';
import type { RuntimeSink } from '../runtime/run-context.ts';

/** Oldest an entry gets in the buffer when the experiment keeps calling (ms). */
const MAX_AGE_MS = 50;

export interface FrameSinkOptions {
  write(frame: ChildFrame): void;
  maxEntryBytes: number;
  /** Entries per batch frame. */
  batchEntries?: number;
  /** Bytes per batch frame (roughly). */
  batchBytes?: number;
}

export class FrameSink implements RuntimeSink {
  readonly maxEntryBytes: number;
  readonly #write: (frame: ChildFrame) => void;
  readonly #batchEntries: number;
  readonly #batchBytes: number;
  #logs: WireLog[] = [];
  #results: WireResult[] = [];
  #progress: WireProgress | undefined;
  #bytes = 0;
  #scheduled = false;
  #cancelled = false;
  #outcome: { outcome: 'completed' | 'failed' | 'cancelled'; error?: WireError } | undefined;
  #warned = new Set<string>();
  /** The first entry goes out at once (a run's first log is visible quickly). */
  #flushedAt = -Infinity;

  constructor(options: FrameSinkOptions) {
    this.#write = options.write;
    this.maxEntryBytes = options.maxEntryBytes;
    this.#batchEntries = options.batchEntries ?? 500;
    this.#batchBytes = options.batchBytes ?? 512 * 1024;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get ended(): boolean {
    return this.#outcome !== undefined;
  }

  /** The outcome decided by `complete`/`fail`, if any. */
  get outcome() {
    return this.#outcome;
  }

  markCancelled(): void {
    this.#cancelled = true;
  }

  log(entry: WireLog): void {
    this.#logs.push(entry);
    this.#added(entry[1].length + (entry[2]?.length ?? 0));
  }

  result(entry: WireResult): void {
    this.#results.push(entry);
    this.#added(entry[0].length + entry[1].length);
  }

  progress(progress: WireProgress): void {
    this.#progress = progress;
    this.#added(0);
  }

  warn(message: string): void {
    if (this.#warned.has(message)) return; // once per kind of mistake, not once per call
    this.#warned.add(message);
    this.flush();
    this.#write({ t: 'warning', message });
  }

  finish(outcome: 'completed' | 'failed', error?: WireError): void {
    this.end(outcome, error);
  }

  /**
   * Writes everything buffered, then the end frame. Later calls do nothing, but for a failure
   * after `completed` (the run threw after `Runtime.complete`): its end frame replaces the first.
   */
  end(outcome: 'completed' | 'failed' | 'cancelled', error?: WireError): void {
    if (this.#outcome && !(this.#outcome.outcome === 'completed' && outcome === 'failed' && error)) return;
    this.#outcome = error ? { outcome, error } : { outcome };
    this.flush();
    this.#write({ t: 'end', ...this.#outcome });
  }

  /** Writes the buffered output as one batch frame. */
  flush(): void {
    if (this.#logs.length === 0 && this.#results.length === 0 && !this.#progress) return;
    this.#write({
      t: 'batch',
      ...(this.#logs.length ? { logs: this.#logs } : {}),
      ...(this.#results.length ? { results: this.#results } : {}),
      ...(this.#progress ? { progress: this.#progress } : {}),
    });
    this.#logs = [];
    this.#results = [];
    this.#progress = undefined;
    this.#bytes = 0;
    this.#flushedAt = performance.now();
  }

  #added(bytes: number): void {
    this.#bytes += bytes + 32;
    const full = this.#logs.length + this.#results.length >= this.#batchEntries || this.#bytes >= this.#batchBytes;
    // An experiment that never yields never runs the scheduled flush: flush by age too.
    if (full || performance.now() - this.#flushedAt > MAX_AGE_MS) this.flush();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    });
  }
}
