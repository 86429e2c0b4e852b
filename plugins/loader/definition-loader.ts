/**
 * Loads experiment definitions in a warm child process, so the workbench never imports
 * experiment code itself: its memory stays flat however many reloads happen, and a module
 * that hangs, loops or exits takes down only a loader that is replaced at once.
 *
 * Design notes:
 * - A few loads are in flight at once in one child (`concurrency`): a module that awaits
 *   (top-level await, an async experiment()) does not hold up the others.
 * - The child is recycled after `maxLoadsPerProcess` loads or when its RSS passes
 *   `maxRssBytes`; a spare is started a little before, so a recycle costs no latency.
 * - A load that does not settle in `timeoutMs` kills the child. If the child was still
 *   answering heartbeats, the module awaits forever: it alone times out and the other
 *   loads in flight are retried. If the child had gone silent (a busy loop), we cannot tell
 *   which module is at fault: each is retried alone, and the one that times out alone is
 *   reported. A child that exits is handled the same way.
 *
 * @example
 * const loader = createDefinitionLoader({ root: '/abs/experiments', timeoutMs: 10_000 });
 * const result = await loader.load('/abs/experiments/my_experiment.ts'); // { kind: 'experiment', definition }
 * await loader.stop();
 */
import type { LoadResult } from './loader-protocol.ts';
import { LoaderProcess } from './loader-process.ts';
import { fileError } from './load-error-mapper.ts';

/** Options of {@link createDefinitionLoader}. */
export interface DefinitionLoaderOptions {
  /** The experiments folder (absolute): errors name files relative to it. */
  root: string;
  /** A load that takes longer is reported `ERR_LOAD_TIMEOUT`. Default 10 000 ms. */
  timeoutMs?: number;
  /** Loads in flight at once in the child. Default 4. */
  concurrency?: number;
  /** Recycle the child after this many loads. Default 500. */
  maxLoadsPerProcess?: number;
  /** Recycle the child when its resident memory passes this. Default 512 MiB. */
  maxRssBytes?: number;
}

/** Counters, for tests and the benchmark. */
export interface DefinitionLoaderStats {
  loads: number;
  processesStarted: number;
  recycled: number;
  timeouts: number;
  crashes: number;
}

/** Loads definitions out of process. */
export interface DefinitionLoader {
  /** Starts the child ahead of the first load (optional: `load` starts it too). */
  start(): Promise<void>;
  /** Imports `file` (absolute) in the child and reads its definition. Never rejects. */
  load(file: string): Promise<LoadResult>;
  /** Kills the child; pending loads resolve with an error. Idempotent. */
  stop(): Promise<void>;
  readonly stats: Readonly<DefinitionLoaderStats>;
}

interface Job {
  id: number;
  file: string;
  isolated: boolean;
  resolve(result: LoadResult): void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  proc: LoaderProcess;
  jobs: Map<number, Job>;
  ready: boolean;
  retiring: boolean;
}

/** Creates a loader; the child starts with the first `start()` or `load()`. */
export function createDefinitionLoader(options: DefinitionLoaderOptions): DefinitionLoader {
  return new ProcessDefinitionLoader(options);
}

class ProcessDefinitionLoader implements DefinitionLoader {
  readonly stats: DefinitionLoaderStats = { loads: 0, processesStarted: 0, recycled: 0, timeouts: 0, crashes: 0 };
  readonly #config: Readonly<Required<DefinitionLoaderOptions> & { heartbeatMs: number }>;
  readonly #queue: Job[] = [];
  readonly #slots = new Set<Slot>();
  #current: Slot | undefined;
  #spare: Slot | undefined;
  #nextId = 0;
  #stopped = false;

  constructor(options: DefinitionLoaderOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.#config = Object.freeze({
      root: options.root,
      timeoutMs,
      concurrency: Math.max(1, options.concurrency ?? 4),
      maxLoadsPerProcess: Math.max(1, options.maxLoadsPerProcess ?? 500),
      maxRssBytes: options.maxRssBytes ?? 512 * 1024 * 1024,
      heartbeatMs: Math.max(10, Math.min(100, Math.floor(timeoutMs / 10))),
    });
  }

  async start(): Promise<void> {
    if (this.#stopped) return;
    const slot = (this.#current ??= this.#spawn());
    slot.proc.setActive(true); // someone is waiting for it
    await slot.proc.ready.catch(() => {});
    this.#pump();
  }

  load(file: string): Promise<LoadResult> {
    if (this.#stopped) return Promise.resolve(this.#error('ERR_LOADER_CRASH', 'the registry is stopped', file));
    return new Promise((resolve) => {
      this.stats.loads++;
      this.#queue.push({ id: ++this.#nextId, file, isolated: false, resolve });
      this.#pump();
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const pending = [...this.#queue.splice(0), ...[...this.#slots].flatMap((slot) => [...slot.jobs.values()])];
    for (const job of pending) this.#finish(job, this.#error('ERR_LOADER_CRASH', 'the registry stopped before this module loaded', job.file));
    const slots = [...this.#slots];
    this.#slots.clear();
    this.#current = this.#spare = undefined;
    await Promise.all(slots.map((slot) => slot.proc.kill()));
  }

  #spawn(): Slot {
    const { root, heartbeatMs } = this.#config;
    const slot: Slot = { proc: undefined!, jobs: new Map(), ready: false, retiring: false };
    slot.proc = new LoaderProcess(
      { root, heartbeatMs },
      {
        loaded: (id, result) => this.#onLoaded(slot, id, result),
        exited: (code, signal, tail) => this.#onExited(slot, code, signal, tail),
      },
    );
    this.stats.processesStarted++;
    this.#slots.add(slot);
    slot.proc.setActive(false);
    const startTimer = setTimeout(() => void slot.proc.kill(), Math.max(this.#config.timeoutMs, 30_000));
    startTimer.unref();
    slot.proc.ready.then(
      () => {
        clearTimeout(startTimer);
        slot.ready = true;
        this.#pump();
      },
      () => clearTimeout(startTimer), // #onExited reports it
    );
    return slot;
  }

  #pump(): void {
    if (this.#stopped) return;
    if (this.#queue.length > 0 && !this.#current) {
      this.#current = this.#spare ?? this.#spawn();
      this.#spare = undefined;
    }
    const slot = this.#current;
    if (slot?.ready) {
      while (this.#queue.length > 0 && this.#canTake(slot, this.#queue[0]!)) this.#dispatch(slot, this.#queue.shift()!);
    }
    for (const each of this.#slots) each.proc.setActive(each.jobs.size > 0 || (each === slot && this.#queue.length > 0));
  }

  #canTake(slot: Slot, next: Job): boolean {
    if (slot.jobs.size >= this.#config.concurrency) return false;
    if (next.isolated && slot.jobs.size > 0) return false;
    return ![...slot.jobs.values()].some((job) => job.isolated);
  }

  #dispatch(slot: Slot, job: Job): void {
    job.slot = slot;
    slot.jobs.set(job.id, job);
    job.timer = setTimeout(() => this.#onTimeout(job), this.#config.timeoutMs);
    slot.proc.load(job.id, job.file);
  }

  #onLoaded(slot: Slot, id: number, result: LoadResult): void {
    const job = slot.jobs.get(id);
    if (!job) return;
    slot.jobs.delete(id);
    this.#finish(job, result);
    this.#recycleIfWorn(slot);
    this.#pump();
  }

  #recycleIfWorn(slot: Slot): void {
    const { maxLoadsPerProcess, maxRssBytes } = this.#config;
    const { loads, rss } = slot.proc;
    if (slot === this.#current && !this.#spare && (loads >= 0.8 * maxLoadsPerProcess || rss >= 0.8 * maxRssBytes)) {
      this.#spare = this.#spawn();
    }
    if (slot === this.#current && (loads >= maxLoadsPerProcess || rss >= maxRssBytes)) {
      slot.retiring = true;
      this.#current = undefined;
      this.stats.recycled++;
    }
    if (slot.retiring && slot.jobs.size === 0) this.#retire(slot);
  }

  #onTimeout(job: Job): void {
    const slot = job.slot!;
    const blocked = performance.now() - slot.proc.lastHeard > this.#config.heartbeatMs * 5;
    const others = [...slot.jobs.values()].filter((other) => other !== job);
    slot.jobs.clear();
    this.#retire(slot);
    if (blocked && !job.isolated) this.#requeue([job, ...others], true);
    else {
      this.stats.timeouts++;
      const message = `timed out loading after ${this.#config.timeoutMs} ms: its top level (or experiment()) never settled`;
      this.#finish(job, this.#error('ERR_LOAD_TIMEOUT', message, job.file));
      this.#requeue(others, blocked);
    }
    this.#pump();
  }

  #onExited(slot: Slot, code: number | null, signal: NodeJS.Signals | null, tail: string): void {
    const wasCurrent = slot === this.#current;
    const jobs = [...slot.jobs.values()];
    slot.jobs.clear();
    this.#retire(slot);
    if (!slot.ready && wasCurrent && !this.#stopped) {
      // The child never started (tsx missing, a broken install): fail what waits rather than respawn forever.
      const message = `the definition loader process could not start (${signal ?? `code ${code}`}): ${tail.trim().slice(-500)}`;
      for (const job of this.#queue.splice(0)) this.#finish(job, this.#error('ERR_LOADER_CRASH', message, job.file));
      return;
    }
    if (jobs.length === 0) return;
    this.stats.crashes++;
    const guilty = jobs.length === 1 ? jobs : jobs.filter((job) => job.isolated);
    const how = signal ?? `code ${code}`;
    const detail = tail.trim().split('\n').slice(-3).join(' ').slice(0, 500);
    for (const job of guilty) {
      const hint = 'does its top level call process.exit()?';
      const message = `the loader process ended (${how}) while loading this module: ${hint}${detail ? ` ${detail}` : ''}`;
      this.#finish(job, this.#error('ERR_LOADER_CRASH', message, job.file));
    }
    this.#requeue(jobs.filter((job) => !guilty.includes(job)), true);
    this.#pump();
  }

  #requeue(jobs: Job[], isolate: boolean): void {
    for (const job of jobs) {
      clearTimeout(job.timer);
      job.slot = undefined;
      job.isolated ||= isolate;
    }
    this.#queue.unshift(...jobs);
  }

  #retire(slot: Slot): void {
    if (this.#current === slot) this.#current = undefined;
    if (this.#spare === slot) this.#spare = undefined;
    this.#slots.delete(slot);
    void slot.proc.kill();
  }

  #finish(job: Job, result: LoadResult): void {
    clearTimeout(job.timer);
    job.resolve(result);
  }

  #error(code: string, message: string, file: string): LoadResult {
    return { kind: 'error', error: fileError(code, message, file, this.#config.root) };
  }
}
