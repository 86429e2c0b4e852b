/**
 * A run's output pipeline: what the run's process sends (its batches of logs, results and
 * progress, its warnings, the lines it prints) → the output buffer → the run's ordered
 * writer (storage append, batches committed in order) → the event bus, once committed.
 * The run server owns the run's lifecycle and feeds this; a worker's runs go through the
 * same run server, so every run, local or on a worker, has this one write path.
 *
 * A database that goes away mid-run is ridden out: batches wait and are sent again, in
 * order, once it is back (never twice), within the outage bound.
 */
import type { EventBus } from '../events/event-bus.ts';
import type { EncodedLogEntry, EncodedResultEntry, ExperimentsService, RunWriter } from '../experiments-service.ts';
import type { BatchFrame } from '../ipc/ipc-protocol.ts';
import type { RunProgress } from '../records.ts';
import { toStorableJson, toStorableText } from '../runtime/json-value.ts';
import { isConnectionError } from '../../storage/storage-errors.ts';
import { retryWhileUnavailable } from '../supervisor/database-retry.ts';
import type { LiveBudget } from '../supervisor/live-budget.ts';
import type { StoreSlots } from '../supervisor/store-slots.ts';
import { OutputBuffer } from './output-buffer.ts';

/** The metadata of a printed line, as stored JSON text. */
const OUTPUT_METADATA = { stdout: '{"stream":"stdout"}', stderr: '{"stream":"stderr"}' } as const;

/** What the pipeline needs of storage: the run's counters, its progress, an ordered writer. */
export type RunOutputStorage = Pick<ExperimentsService, 'getRun' | 'saveProgress' | 'createRunWriter'>;

export interface RunOutputOptions {
  runId: string;
  instanceId: string;
  service: RunOutputStorage;
  bus: EventBus;
  /** Largest log entry or result (a printed line past it is cut, saying so). */
  maxEntryBytes: number;
  /** Shared by the runs of a supervisor: how many store at once. */
  storeSlots: StoreSlots;
  /** Shared by the runs of a supervisor: log entries per second sent live. */
  liveBudget: LiveBudget;
  /** This run's share of the entries the supervisor lets wait in memory. */
  bufferShare?: () => number;
  /** Least time between two `run.progress` events (ms, default 200). */
  progressIntervalMs?: number;
  /** How long the database may be away before storing fails (ms, default 60,000). */
  databaseOutageMs?: number;
  /** The buffer is full (`true`) or has room again: pause or resume the process' output. */
  onBackPressure(paused: boolean): void;
  /** Storing failed for good: the pipeline takes nothing more. */
  onError(message: string): void;
}

export class RunOutput {
  readonly #o: RunOutputOptions;
  readonly #buffer: OutputBuffer;
  #writer: RunWriter;
  /** The last sequence numbers known committed (the database may go away before it says so). */
  #stored = { logs: 0, results: 0 };
  /** When the database went away, while batches wait for it. */
  #outageSince: number | undefined;
  /** Set once a batch had to be sent again: from then on batches are stored one at a time. */
  #afterOutage = false;
  /** The latest store, settled either way: the next one saves progress and publishes after it. */
  #lastStore: Promise<unknown> = Promise.resolve();
  #lastProgressAt = 0;
  #progressTimer: NodeJS.Timeout | undefined;
  #pendingProgress: RunProgress | undefined;

  constructor(options: RunOutputOptions) {
    this.#o = options;
    this.#writer = options.service.createRunWriter(options.runId);
    this.#buffer = new OutputBuffer({
      store: (logs, results, progress) => options.storeSlots.run(() => this.#store(logs, results, progress)),
      maxInFlight: 2, // the writer overlaps two batches' inserts and commits them in order
      pause: () => options.onBackPressure(true),
      resume: () => options.onBackPressure(false),
      onError: (error) => options.onError(`could not store the run's output: ${(error as Error)?.message ?? error}`),
      ...(options.bufferShare ? { highWater: options.bufferShare } : {}),
    });
  }

  /** The most log entries and results that waited in memory at once. */
  get peakBuffered(): number {
    return this.#buffer.peak;
  }

  /** When the database went away, if batches are waiting for it now. */
  get outageSince(): number | undefined {
    return this.#outageSince;
  }

  /**
   * A batch frame of the run's process. The child's Runtime cleans what it sends, but a
   * frame may come from behind its back: text Postgres cannot hold (NUL, lone surrogates)
   * is made storable here, once.
   */
  addBatch(frame: BatchFrame): void {
    const logs = (frame.logs ?? []).map(([level, message, metadata, timestamp]) => ({
      level,
      message: toStorableText(message),
      metadata: metadata === null ? null : toStorableJson(metadata),
      timestamp: new Date(timestamp),
    }));
    const results = (frame.results ?? []).map(([key, value, timestamp]) => ({ key: toStorableText(key), value: toStorableJson(value), recordedAt: new Date(timestamp) }));
    const progress = frame.progress?.message === undefined ? frame.progress : { ...frame.progress, message: toStorableText(frame.progress.message) };
    this.#buffer.add(logs, results, progress);
    if (progress) this.#progressChanged(progress);
  }

  /** A warning of the run's process (a limit it came near), stored as a `warn` log entry. */
  addWarning(message: string): void {
    this.#buffer.add([{ level: 'warn', message: toStorableText(message), metadata: null, timestamp: new Date() }], []);
  }

  /**
   * What the experiment printed becomes log entries: stdout as info, stderr as error. A line
   * cut at the entry limit says so, in its text and its metadata.
   */
  addPrinted(stream: 'stdout' | 'stderr', printed: string, droppedBytes = 0): void {
    const line = toStorableText(printed);
    const level = stream === 'stdout' ? 'info' : 'error';
    if (droppedBytes === 0) {
      this.#buffer.add([{ level, message: line, metadata: OUTPUT_METADATA[stream], timestamp: new Date() }], []);
      return;
    }
    // Room for the note: what is cut to make it is dropped too, and counted.
    const { maxEntryBytes } = this.#o;
    const kept = line.slice(0, Math.max(0, maxEntryBytes - 200));
    const dropped = droppedBytes + Buffer.byteLength(line) - Buffer.byteLength(kept);
    const message = `${kept} … [line cut at ${maxEntryBytes} bytes: ${dropped} more bytes dropped]`;
    const metadata = JSON.stringify({ stream, truncated: true, droppedBytes: dropped });
    this.#buffer.add([{ level, message, metadata, timestamp: new Date() }], []);
  }

  /** Resolves once everything added is stored (a failed store is already reported), and the last progress published. */
  async drain(): Promise<void> {
    await this.#buffer.drain().catch(() => {});
    this.#emitProgress();
  }

  /** Stops the progress timer (the run has ended). */
  close(): void {
    clearTimeout(this.#progressTimer);
  }

  #progressChanged(progress: RunProgress): void {
    const interval = this.#o.progressIntervalMs ?? 200;
    this.#pendingProgress = progress;
    const wait = this.#lastProgressAt + interval - Date.now();
    if (wait <= 0) return this.#emitProgress();
    this.#progressTimer ??= setTimeout(() => this.#emitProgress(), wait);
  }

  #emitProgress(): void {
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    if (!this.#pendingProgress) return;
    this.#lastProgressAt = Date.now();
    const { runId, instanceId } = this.#o;
    this.#o.bus.publish('run.progress', { runId, instanceId, progress: this.#pendingProgress });
    this.#pendingProgress = undefined;
  }

  #store(logs: EncodedLogEntry[], results: EncodedResultEntry[], progress: RunProgress | undefined): Promise<void> {
    const stored = this.#storeAfter(this.#lastStore, logs, results, progress);
    this.#lastStore = stored.catch(() => {});
    return stored;
  }

  /** Stores a batch (its inserts may overlap the previous batch's), then publishes it in order. */
  async #storeAfter(previous: Promise<unknown>, logs: EncodedLogEntry[], results: EncodedResultEntry[], progress: RunProgress | undefined) {
    const { service, bus, runId, instanceId } = this.#o;
    // After an outage, batches go to the new writer one at a time: a batch must never be
    // numbered before an earlier one that is still waiting to be sent again.
    if (this.#afterOutage) await previous;
    const writer = this.#writer;
    const [logSeq, resultSeq] = await Promise.all([
      logs.length ? writer.appendLogs(logs) : undefined,
      results.length ? writer.appendResults(results) : undefined,
      progress ? previous.then(() => service.saveProgress(runId, progress)) : undefined,
    ]).catch(async (error: unknown) => {
      if (!isConnectionError(error)) throw error;
      await previous; // the batches before this one are stored (or re-sent) first, in order
      return this.#resend(writer, logs, results, progress);
    });
    await previous;
    if (logSeq) this.#stored.logs = logSeq.last;
    if (resultSeq) this.#stored.results = resultSeq.last;
    if (logSeq) {
      const live = this.#o.liveBudget.take(logs.length);
      const skipped = logs.length - live;
      const entries = logs.slice(skipped).map((e, i) => ({
        seq: logSeq.first + skipped + i,
        level: e.level,
        message: e.message,
        metadata: e.metadata === null ? null : JSON.parse(e.metadata),
        timestamp: e.timestamp.toISOString(),
      }));
      const omitted = skipped > 0 ? { omitted: { after: logSeq.first - 1, upTo: logSeq.first + skipped - 1 } } : {};
      bus.publish('run.log', { runId, instanceId, entries, ...omitted });
    }
    if (resultSeq) {
      const entries = results.map((e, i) => ({ seq: resultSeq.first + i, key: e.key, value: JSON.parse(e.value), recordedAt: e.recordedAt.toISOString() }));
      bus.publish('run.result', { runId, instanceId, entries });
    }
  }

  /**
   * Stores a batch again once the database is back, with a fresh writer (the failed one's
   * numbering is void). A batch that committed though its answer was lost is not sent twice:
   * the run's counters say how far storage got.
   */
  #resend(failed: RunWriter, logs: EncodedLogEntry[], results: EncodedResultEntry[], progress: RunProgress | undefined) {
    const { service, runId } = this.#o;
    this.#outageSince ??= Date.now();
    return retryWhileUnavailable(
      async () => {
        if (this.#writer === failed) this.#replaceWriter();
        const writer = this.#writer;
        const counts = await service.getRun(runId);
        const already = (count: number, stored: number, length: number) =>
          length > 0 && count >= stored + length ? { first: stored + 1, last: stored + length } : undefined;
        const logsDone = already(counts.logCount, this.#stored.logs, logs.length);
        const resultsDone = already(counts.resultCount, this.#stored.results, results.length);
        const stored = await Promise.all([
          logsDone ?? (logs.length ? writer.appendLogs(logs) : undefined),
          resultsDone ?? (results.length ? writer.appendResults(results) : undefined),
          progress ? service.saveProgress(runId, progress) : undefined,
        ]).catch((error: unknown) => {
          // A writer that failed once fails every later batch: the next attempt takes a new one.
          if (this.#writer === writer) this.#replaceWriter();
          throw error;
        });
        this.#outageSince = undefined;
        return stored;
      },
      { boundMs: this.#o.databaseOutageMs ?? 60_000, since: this.#outageSince },
    );
  }

  #replaceWriter(): void {
    this.#afterOutage = true;
    this.#writer = this.#o.service.createRunWriter(this.#o.runId);
  }
}
