/**
 * How a changed path becomes registry events: read the file, update the import graph,
 * reload it and every module importing it (through the loader), apply the results to the
 * table, and commit — publishing what changed.
 *
 * Design notes:
 * - Every reload reads the disk; the watcher only says which path to look at again.
 * - A per-file generation drops results superseded by a newer edit, so a burst ends with
 *   the final content, whatever order loads finish in; a refresh of code that is already
 *   loading joins that load instead of starting another.
 * - A module whose code hash is unchanged is not reloaded, unless its last load failed
 *   in a way that might pass on a retry (a timeout, a crash, a missing import).
 * - When commits happen: see {@link CommitScheduler}.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from '../loader/loader-protocol.ts';
import { computeCodeHash, moduleNode } from '../graph/module-graph.ts';
import { toPosix } from '../discovery/experiment-files.ts';
import { ChangeDebouncer } from '../watch/change-debouncer.ts';
import { applyLoadResult, isUpToDate } from './apply-load-result.ts';
import { CommitScheduler } from './commit-scheduler.ts';
import { eachLimited } from './each-limited.ts';
import { ExperimentTable, type FileRecord } from './experiment-table.ts';
import { ModuleIndex, type ModuleHints } from './module-index.ts';
import type { RegistryEvent } from './registry-types.ts';

/** Where the pipeline gets a module's load result: the loader process, or a cache in front of it. */
export interface PipelineLoader {
  /** Loads `file` (absolute), whose code (the module and its local imports) hashes to `codeHash`. Never rejects. */
  load(file: string, codeHash: string | null): Promise<LoadResult>;
}

/** Options of {@link ReloadPipeline}. */
export interface ReloadPipelineOptions {
  root: string;
  loader: PipelineLoader;
  debounceMs: number;
  commitDelayMs: number;
  publish(events: RegistryEvent[]): void;
}

interface LoadInFlight {
  codeHash: string | null;
  /** The newest generation waiting for this load (a refresh of the same code joins it). */
  generation: number;
  done: Promise<void>;
}

/** When a touched file is read once more: after chokidar's 50 ms `change` throttle, with a margin. */
const VERIFY_AFTER_MS = 70;
const EMPTY_HASH = moduleNode('empty', '').hash;
/** How long a commit that removes a name waits for a file taking it over (a rename into a new folder: 150 ms was too short for a loaded CI machine, which reported a removal and then the move). */
const REMOVAL_GRACE_MS = 400;

/** The registry's reload machinery. */
export class ReloadPipeline {
  readonly table = new ExperimentTable();
  readonly modules: ModuleIndex;
  readonly #options: Readonly<ReloadPipelineOptions>;
  readonly #debouncer: ChangeDebouncer<string>;
  readonly #verifier: ChangeDebouncer<string>;
  readonly #generations = new Map<string, number>();
  #lastGeneration = 0;
  #inFlight = 0;
  readonly #commits: CommitScheduler;
  #idleWaiters: (() => void)[] = [];
  #fileWaiters: { file: string; resolve(): void }[] = [];
  readonly #loading = new Map<string, LoadInFlight>();
  readonly #refreshing = new Map<string, number>();
  #closed = false;

  constructor(options: ReloadPipelineOptions) {
    this.#options = Object.freeze({ ...options });
    this.modules = new ModuleIndex(options.root);
    this.#debouncer = new ChangeDebouncer({
      delayMs: options.debounceMs,
      maxWaitMs: options.debounceMs * 10,
      fire: (file) => void this.refresh(file),
    });
    this.#verifier = new ChangeDebouncer({ delayMs: VERIFY_AFTER_MS, maxWaitMs: VERIFY_AFTER_MS * 10, fire: (file) => void this.#verify(file) });
    this.#commits = new CommitScheduler(
      {
        isDirty: () => this.table.dirty,
        isBusy: () => this.#inFlight > 0 || this.#debouncer.size > 0,
        hasPendingRemoval: () => this.table.hasPendingRemoval(),
        commit: () => {
          const events = this.table.commit();
          if (events.length > 0) this.#options.publish(events);
          this.#wake();
        },
      },
      { commitDelayMs: options.commitDelayMs, removalGraceMs: REMOVAL_GRACE_MS },
    );
  }

  /** A path changed on disk: refresh it after the debounce, if it is a module or a file a module imports. */
  touch(file: string): void {
    if (this.#closed || !this.modules.tracks(file)) return;
    this.#debouncer.touch(file);
    this.#verifier.touch(file);
  }

  /** Reads every file first (so the graph is whole), then loads every module once. */
  async loadAll(files: string[], options: { readConcurrency?: number } = {}): Promise<void> {
    const found: string[] = [];
    await eachLimited(files, options.readConcurrency ?? 32, async (file) => {
      const content = await readFile(file).catch(() => undefined);
      if (content === undefined || this.#closed) return;
      this.modules.index(file, content);
      found.push(file);
    });
    // A bounded number in flight: the loader works through them in order, and the event
    // loop never runs thousands of reload continuations in one go.
    this.#commits.suspend();
    try {
      await eachLimited(found, 64, (file) => this.#tracked(() => this.#reload(file, this.#bump(file))));
    } finally {
      this.#commits.resume();
    }
  }

  /**
   * Reads `file` now (cancelling its debounce) and reloads it and its importers; resolves
   * when applied. An empty read of a file that had content is taken for a write caught
   * half-way (truncated, not yet written) and left to the verification that follows.
   */
  async refresh(file: string, options: { acceptEmpty?: boolean } = {}): Promise<void> {
    this.#debouncer.cancel(file);
    const generation = this.#bump(file);
    this.#refreshing.set(file, (this.#refreshing.get(file) ?? 0) + 1);
    await this.#tracked(async () => {
      try {
        await this.#refreshNow(file, generation, options.acceptEmpty ?? false);
      } finally {
        const left = this.#refreshing.get(file)! - 1;
        if (left === 0) this.#refreshing.delete(file);
        else this.#refreshing.set(file, left);
      }
    });
  }

  async #refreshNow(file: string, generation: number, acceptEmpty: boolean): Promise<void> {
    const content = await readFile(file).catch(() => undefined);
    if (this.#closed || this.#generations.get(file) !== generation) return;
    if (content === undefined) return this.#removed(file);
    const previous = this.modules.graph.get(file);
    if (content.length === 0 && previous && previous.hash !== EMPTY_HASH && !acceptEmpty) {
      this.#verifier.touch(file);
      return;
    }
    const node = this.modules.index(file, content);
    const importers = previous?.hash === node.hash ? [] : [...this.modules.graph.importersOf([file])];
    const own = this.modules.isModule(file) ? [this.#reload(file, generation)] : [];
    await Promise.all([...own, ...importers.map((importer) => this.#reload(importer, this.#bump(importer)))]);
  }

  /** Resolves when `file` has no debounced, running or loading refresh (its entry is final until the next change). */
  whenFileSettled(file: string): Promise<void> {
    if (this.#isFileSettled(file)) return Promise.resolve();
    return new Promise((resolve) => this.#fileWaiters.push({ file, resolve }));
  }

  #isFileSettled(file: string): boolean {
    return !this.#debouncer.has(file) && !this.#loading.has(file) && !this.#refreshing.has(file);
  }

  /** Commits now whatever changed (a caller wants its entry without waiting for other loads). */
  flush(): void {
    this.#commits.commitNow();
    this.#settle();
  }

  /**
   * chokidar drops a path's `change` events for 50 ms after one it emits (no trailing
   * event), so a write landing in that window would go unseen: look at every touched file
   * once more after the window, and refresh it if it differs from what was last read.
   */
  async #verify(file: string): Promise<void> {
    if (this.#debouncer.has(file)) return; // a refresh is coming anyway
    let stale = false;
    await this.#tracked(async () => {
      const content = await readFile(file).catch(() => undefined);
      const known = this.modules.graph.get(file);
      stale = content === undefined ? known !== undefined : known?.hash !== moduleNode(file, content).hash;
    });
    if (stale && !this.#closed) await this.refresh(file, { acceptEmpty: true });
  }

  /** Resolves when nothing is debounced, loading or uncommitted. */
  whenIdle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops all work: pending debounces are dropped, results still arriving are ignored. */
  close(): void {
    this.#closed = true;
    this.#debouncer.clear();
    this.#verifier.clear();
    this.#commits.close();
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    for (const waiter of this.#fileWaiters.splice(0)) waiter.resolve();
  }

  async #removed(file: string): Promise<void> {
    this.modules.forget(file);
    this.#generations.delete(file);
    this.table.delete(file);
    const importers = [...this.modules.graph.importersOf([file])];
    await Promise.all(importers.map((importer) => this.#reload(importer, this.#bump(importer))));
  }

  async #reload(file: string, generation: number): Promise<void> {
    const hints = this.modules.hints(file);
    if (!hints) return;
    const record: FileRecord = this.table.record(file) ?? {
      file,
      rel: toPosix(path.relative(this.#options.root, file)),
      kind: 'pending',
      listed: false,
      codeHash: null,
    };
    const codeHash = (await computeCodeHash(file, this.#options.root, this.modules.reader)) ?? null;
    if (this.#closed || this.#generations.get(file) !== generation) return;
    if (!hints.mayExport) return this.#apply(record, { kind: 'helper' }, codeHash, hints);
    const running = this.#loading.get(file);
    if (running?.codeHash === codeHash) {
      running.generation = generation; // the same code is loading already: its result is ours
      return running.done;
    }
    if (isUpToDate(record, codeHash)) return;
    let finish!: () => void;
    const load: LoadInFlight = { codeHash, generation, done: new Promise<void>((resolve) => (finish = resolve)) };
    this.#loading.set(file, load);
    try {
      const result = await this.#options.loader.load(file, codeHash);
      if (!this.#closed && this.#generations.get(file) === load.generation) this.#apply(record, result, codeHash, hints);
    } finally {
      if (this.#loading.get(file) === load) this.#loading.delete(file);
      finish();
    }
  }

  #apply(record: FileRecord, result: LoadResult, codeHash: string | null, hints: ModuleHints): void {
    const imported = this.modules.graph.isImported(record.file);
    applyLoadResult(record, result, codeHash, { readsLikeExperiment: hints.readsLikeExperiment, imported });
    this.table.put(record);
  }

  /** A new generation for `file` (unique across files, so a file removed and re-added never reuses one). */
  #bump(file: string): number {
    this.#generations.set(file, ++this.#lastGeneration);
    return this.#lastGeneration;
  }

  async #tracked(work: () => Promise<void>): Promise<void> {
    this.#inFlight++;
    try {
      await work();
    } finally {
      this.#inFlight--;
      this.#settle();
    }
  }

  #settle(): void {
    if (this.#closed) return;
    this.#commits.request();
    this.#wake();
  }

  /** Resolves the waiters whose condition now holds. */
  #wake(): void {
    if (this.#fileWaiters.length > 0) {
      const waiting = this.#fileWaiters.splice(0);
      for (const waiter of waiting) {
        if (this.#isFileSettled(waiter.file)) waiter.resolve();
        else this.#fileWaiters.push(waiter);
      }
    }
    if (this.#isIdle()) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #isIdle(): boolean {
    return this.#inFlight === 0 && this.#debouncer.size === 0 && this.#verifier.size === 0 && !this.table.dirty;
  }
}
