/**
 * RunSupervisor: the registry of active runs (the seed's DynamicSupervisor + Registry).
 * It starts runs up to a concurrency limit (extra runs wait as `pending`, in order),
 * cancels them, keeps their heartbeat, and at start-up ends runs that a dead workbench
 * left active.
 */
import { availableParallelism, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventBus } from '../events/event-bus.ts';
import { shouldRetry, type ExperimentsService } from '../experiments-service.ts';
import { ConflictError, InvalidTransitionError, NotFoundError } from '../errors.ts';
import type { CodeSnapshot, Instance, Run } from '../records.ts';
import type { RunDispatcher } from './run-dispatcher.ts';
import { RunServer, type PreparedRun } from './run-server.ts';
import { StoreSlots } from './store-slots.ts';
import { LiveBudget } from './live-budget.ts';
import { LoadGovernor, type LoadGovernorOptions } from './load-governor.ts';
import { recoverInterruptedRuns } from './run-recovery.ts';
import { defaultRunMemoryMb } from './memory-limit.ts';
import { environmentOfCode, readRunEnvironment } from './run-environment.ts';

/**
 * Where an experiment's code is, read right before a run starts: its module, the code hash,
 * and the code itself to keep with the run (with `root`, the folder its paths are relative to).
 */
export type ExperimentResolver = (
  name: string,
) => Promise<{ file: string; absoluteFile: string; codeHash: string; snapshot?: CodeSnapshot; root?: string }>;

/** Writes kept code to disk to run it again; returns the path of its experiment module. */
export type SnapshotMaterializer = (snapshot: CodeSnapshot) => Promise<string>;

/**
 * The instance as the run was created from it: a run waiting in the queue while the
 * instance is edited still runs the version it links to (runs without one, from before
 * instance history, run the instance as it is).
 */
export async function pinnedInstance(service: ExperimentsService, run: Run): Promise<Instance> {
  const instance = await service.getInstance(run.instanceId);
  if (run.instanceVersion == null || run.instanceVersion === instance.version) return instance;
  const { name, description, configuration, version } = await service.getInstanceVersion(run.instanceId, run.instanceVersion);
  return { ...instance, name, description, configuration, version };
}

export interface RunSupervisorOptions {
  service: ExperimentsService;
  bus: EventBus;
  dispatcher: RunDispatcher;
  resolveExperiment: ExperimentResolver;
  /** Runs a rerun of kept code from disk; without it such reruns fail to start, naming why. */
  materializeSnapshot?: SnapshotMaterializer;
  /** Keep each run's code and environment (default true; `false` only to measure what keeping costs). */
  keepCode?: boolean;
  /** Runs executing at once (default: the number of cores). */
  concurrency?: number;
  /** Cancel → SIGTERM delay (default 5,000 ms). */
  graceMs?: number;
  /** SIGTERM → SIGKILL delay (default 2,000 ms). */
  killAfterMs?: number;
  /** Largest log entry or result (default 1 MiB). */
  maxEntryBytes?: number;
  /** Memory one run's process may use, in MiB, unless the run says otherwise (default: half the machine's, shared by `concurrency` runs). */
  memoryMb?: number;
  heartbeatMs?: number;
  /** A run whose heartbeat is older than this belongs to a dead workbench (default 15 s). */
  staleAfterMs?: number;
  /** Runs writing their output to storage at once (default 4). */
  storeSlots?: number;
  /** Log entries per second sent live as `run.log` events, all runs together (default 10,000). */
  liveLogsPerSecond?: number;
  /**
   * Log entries and results that may wait in memory for storage, all runs together
   * (default 40,000): each active run may hold its share, between 2,000 and 20,000. Fewer
   * waiting entries means less for the garbage collector to walk while runs flood in.
   */
  bufferedEntries?: number;
  /** How long the database may be away before the runs waiting to store fail (ms, default 60,000). */
  databaseOutageMs?: number;
  /** Pauses the runs' output while the event loop lags (see load-governor.ts); `false` turns it off. */
  governor?: LoadGovernorOptions | false;
  /**
   * The worker name runs started here record (`athanor worker`, or a workbench taking
   * queued runs); unset, runs record none and start-up recovery looks after them.
   */
  worker?: string;
  /**
   * Runs execute the code their row names (`codeSnapshot`, else `codeHash`, kept when the
   * run was queued) instead of the experiment's file: a worker has no experiments folder.
   */
  codeFromRun?: boolean;
  /**
   * Cancels a run that executes in another process (a worker); resolves with what was done,
   * or undefined when that process cannot be reached.
   */
  cancelElsewhere?: (run: Run, reason: string) => Promise<string | undefined>;
  /**
   * Starts the next attempt of a run that failed here and that its definition retries
   * (`Definition.retries(n)`); resolves with the retry, or undefined when none was made.
   * Unset, the retry runs here; a node of the run pool queues it for any worker instead.
   */
  retryRun?: (failed: Run) => Promise<Run | undefined>;
  /** Removes a cancelled run's job from the job queue, if no worker took it yet (a node of the run pool). */
  dropQueuedJob?: (runId: string) => Promise<void>;
}

/** What `cancelRun` did. */
export interface CancelOutcome {
  run: Run;
  /** False when the run had already finished: nothing changed. */
  changed: boolean;
  message: string;
}

export class RunSupervisor {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #o: Required<Omit<RunSupervisorOptions, 'worker' | 'cancelElsewhere' | 'retryRun' | 'dropQueuedJob'>> &
    Pick<RunSupervisorOptions, 'worker' | 'cancelElsewhere' | 'retryRun' | 'dropQueuedJob'>;
  readonly #active = new Map<string, RunServer>();
  /** Runs waiting for a slot, as they were when queued. */
  readonly #queue: Run[] = [];
  readonly #waiters = new Map<string, Promise<Run>>();
  readonly #finished = new Map<string, (run: Run) => void>();
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  /** Runs started with `currentCode` (see startRun), until they are prepared. */
  readonly #currentCode = new Set<string>();
  /** Instances whose runs may not start here (being deleted): id → holds. */
  readonly #held = new Map<string, number>();
  readonly #storeSlots: StoreSlots;
  readonly #liveBudget: LiveBudget;
  readonly #governor: LoadGovernor | undefined;

  constructor(options: RunSupervisorOptions) {
    this.#o = {
      concurrency: availableParallelism(),
      graceMs: 5000,
      killAfterMs: 2000,
      maxEntryBytes: 1024 * 1024,
      heartbeatMs: 3000,
      staleAfterMs: 15_000,
      storeSlots: 4,
      liveLogsPerSecond: 10_000,
      governor: {},
      bufferedEntries: 40_000,
      databaseOutageMs: 60_000,
      keepCode: true,
      codeFromRun: false,
      materializeSnapshot: async (snapshot) => {
        throw new Error(`this workbench cannot run kept code (${snapshot.hash.slice(0, 12)})`);
      },
      ...options,
      memoryMb: options.memoryMb ?? defaultRunMemoryMb(options.concurrency ?? availableParallelism()),
    };
    this.#storeSlots = new StoreSlots(this.#o.storeSlots);
    this.#liveBudget = new LiveBudget(this.#o.liveLogsPerSecond);
    this.#governor = this.#o.governor === false ? undefined : new LoadGovernor(this.#o.governor);
  }

  /** Recovers runs a dead workbench left active, then keeps heartbeats and sweeps going. */
  async start(): Promise<{ recovered: string[] }> {
    const recovered = await this.#recover();
    this.#o.dispatcher.warmUp?.();
    const beat = setInterval(() => void this.#o.service.heartbeat(this.owner).catch(() => {}), this.#o.heartbeatMs);
    const sweep = setInterval(() => void this.#recover().catch(() => {}), this.#o.staleAfterMs);
    beat.unref();
    sweep.unref();
    this.#timers = [beat, sweep];
    return { recovered };
  }

  /** Whether the run is executing or queued here. */
  isActive(runId: string): boolean {
    return this.#active.has(runId) || this.#queue.some((run) => run.id === runId);
  }

  /** The run's server while it executes here. */
  whereis(runId: string): RunServer | undefined {
    return this.#active.get(runId);
  }

  /** Runs executing at once, at most. */
  get concurrency(): number {
    return this.#o.concurrency;
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /** Runs waiting for a slot. */
  get queuedCount(): number {
    return this.#queue.length;
  }

  /**
   * Until the returned release is called, no run of the instance starts here: a start (a
   * retry's too) is refused with a ConflictError and its run cancelled. The check and the
   * queueing are one synchronous step, so once this returns, every run of the instance that
   * will execute here is already active (`isActive`): what deleting an instance cancels.
   */
  holdInstance(instanceId: string): () => void {
    this.#held.set(instanceId, (this.#held.get(instanceId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.#held.get(instanceId)! - 1;
      if (left) this.#held.set(instanceId, left);
      else this.#held.delete(instanceId);
    };
  }

  /**
   * A start of `run` while its instance is held (being deleted) is refused: the run is
   * cancelled and a ConflictError thrown. The run queue asks too, before it adds a job.
   */
  async refuseIfHeld(run: Run): Promise<void> {
    if (!this.#held.has(run.instanceId)) return;
    await this.cancelRun(run.id, 'cancelled: its instance was deleted').catch((error: unknown) => {
      // Gone with its instance already: nothing left to cancel.
      if (!(error instanceof NotFoundError)) console.error(`athanor: could not cancel run ${run.id}: ${(error as Error)?.message ?? error}`);
    });
    throw new ConflictError(`run ${run.id} was cancelled, not started: its instance ${run.instanceId} is being deleted`);
  }

  /**
   * Starts a pending run now, or queues it behind the concurrency limit. `currentCode`: on the
   * run pool, run the experiment's file as it is here rather than code the run was queued with
   * (code no worker can be sent: a file over the bound, on a workbench that is a worker too).
   */
  async startRun(runId: string, options: { currentCode?: boolean } = {}): Promise<Run> {
    if (this.#stopped) throw new Error('the supervisor is stopping; no new runs');
    const run = await this.#o.service.getRun(runId);
    if (run.status !== 'pending' || this.isActive(run.id)) throw new InvalidTransitionError(run.id, run.status, 'running');
    await this.refuseIfHeld(run);
    if (options.currentCode) this.#currentCode.add(run.id);
    this.#waiters.set(run.id, new Promise((resolve) => this.#finished.set(run.id, resolve)));
    this.#queue.push(run);
    // Marks it queued here, so recovery leaves it be; a row deleted meanwhile fails its start.
    await this.#o.service.claimRuns(this.owner, [run.id], this.#o.worker).catch(() => {});
    this.#pump();
    await this.#active.get(run.id)?.started;
    return this.#o.service.getRun(run.id);
  }


  /** Resolves with the run's final record once it has ended. */
  async waitFor(runId: string): Promise<Run> {
    return this.#waiters.get(runId) ?? this.#o.service.getRun(runId);
  }

  /** Cancels a run: a pending one without starting it, a running one through the ladder. */
  async cancelRun(runId: string, reason = 'cancelled by request'): Promise<CancelOutcome> {
    const queued = this.#queue.findIndex((run) => run.id === runId);
    if (queued !== -1) {
      const [run] = this.#queue.splice(queued, 1);
      return { run: await this.#cancelQueued(run!, reason), changed: true, message: 'the run was cancelled before it started' };
    }
    const server = this.#active.get(runId);
    if (server) {
      server.cancel(reason);
      return { run: await this.#o.service.getRun(runId), changed: true, message: 'the run is being cancelled' };
    }
    const run = await this.#o.service.getRun(runId);
    if (run.status === 'pending') {
      const cancelled = await this.#o.service.transitionRun(runId, 'cancelled', { error: reason });
      // The row first: a worker that takes the job meanwhile finds the run cancelled and skips it.
      await this.#o.dropQueuedJob?.(runId).catch((error: unknown) => console.error(`athanor: could not remove cancelled run ${runId}'s job: ${(error as Error)?.message ?? error}`));
      this.#o.bus.publish('run.status', { runId, instanceId: run.instanceId, status: cancelled.status, run: cancelled });
      return { run: cancelled, changed: true, message: 'the run was cancelled before it started' };
    }
    if (run.status === 'running') {
      const sent = await this.#o.cancelElsewhere?.(run, reason);
      if (sent) return { run, changed: true, message: sent };
      return { run, changed: false, message: 'the run executes in another workbench; cancel it there' };
    }
    return { run, changed: false, message: `the run has already ended (${run.status}); nothing changed` };
  }

  /** Cancels every active run through the ladder, waits for them, and stops. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    for (const run of this.#queue.splice(0)) await this.#cancelQueued(run, 'cancelled: the workbench stopped');
    const running = [...this.#active.values()];
    for (const server of running) server.cancel('cancelled: the workbench stopped');
    await Promise.all(running.map((server) => server.done));
    await this.#o.dispatcher.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /**
   * Starts queued runs while slots are free. A slot is taken synchronously, before any
   * await, so parallel starts never exceed the limit; a run's start never throws here.
   */
  #pump(): void {
    while (this.#active.size < this.#o.concurrency && this.#queue.length > 0) {
      const run = this.#queue.shift()!;
      const server = this.#createServer(run);
      this.#active.set(run.id, server);
      void server.done.then(async (final) => {
        this.#active.delete(run.id);
        // Before the run settles, so whoever waits for it finds its retry (athanor run follows it).
        if (!this.#stopped && shouldRetry(final)) await this.#retry(final);
        this.#settle(run.id, final);
        if (!this.#stopped) this.#pump();
      });
      void server.start();
    }
  }

  /** Starts a failed run's next attempt (see `retryRun`); a retry that cannot be made is reported, never thrown. */
  async #retry(failed: Run): Promise<void> {
    try {
      if (this.#o.retryRun) {
        await this.#o.retryRun(failed);
        return;
      }
      const retry = await this.#o.service.createRetry(failed.id);
      if (!retry) return;
      this.#o.bus.publish('run.status', { runId: retry.id, instanceId: retry.instanceId, status: retry.status, run: retry });
      await this.startRun(retry.id);
    } catch (error) {
      if (error instanceof ConflictError) return; // its instance is being deleted: the retry was cancelled
      console.error(`athanor: could not retry run ${failed.id}: ${(error as Error)?.message ?? error}`);
    }
  }

  /** Ends a run that never left the queue; its row may have been ended or deleted meanwhile. */
  async #cancelQueued(run: Run, reason: string): Promise<Run> {
    const { service, bus } = this.#o;
    const final = await service
      .transitionRun(run.id, 'cancelled', { error: reason })
      .then((cancelled) => (bus.publish('run.status', { runId: run.id, instanceId: run.instanceId, status: cancelled.status, run: cancelled }), cancelled))
      .catch(() => service.getRun(run.id))
      .catch((): Run => ({ ...run, status: 'cancelled', error: reason }));
    this.#settle(run.id, final);
    return final;
  }

  #createServer(run: Run): RunServer {
    const { service } = this.#o;
    return new RunServer({
      run,
      prepare: () => this.#prepare(run),
      service,
      bus: this.#o.bus,
      dispatcher: this.#o.dispatcher,
      owner: this.owner,
      ...(this.#o.worker === undefined ? {} : { worker: this.#o.worker }),
      graceMs: this.#o.graceMs,
      killAfterMs: this.#o.killAfterMs,
      maxEntryBytes: this.#o.maxEntryBytes,
      memoryMb: this.#o.memoryMb,
      databaseOutageMs: this.#o.databaseOutageMs,
      storeSlots: this.#storeSlots,
      liveBudget: this.#liveBudget,
      governor: this.#governor,
      bufferShare: () => Math.max(2_000, Math.min(20_000, Math.floor(this.#o.bufferedEntries / Math.max(1, this.#active.size)))),
    });
  }

  /**
   * What a run starts with: its instance, its code (the experiment's file now, or for a
   * rerun of kept code that code written to disk), its configuration (a rerun's own, else
   * the instance's validated against the experiment now, defaults applied) and a reader of
   * its environment. The code is kept before the run starts (a lookup when unchanged).
   */
  async #prepare(run: Run): Promise<PreparedRun> {
    const { service, keepCode } = this.#o;
    const instance = await pinnedInstance(service, run);
    const fromRun = this.#o.codeFromRun && !this.#currentCode.delete(run.id);
    const kept = run.codeSnapshot ?? (fromRun ? run.codeHash : null);
    if (fromRun && !kept) throw new Error(`run ${run.id} was queued without its code: start it again`);
    if (kept) {
      const snapshot = await service.getCodeSnapshot(kept);
      const absoluteFile = await this.#o.materializeSnapshot(snapshot);
      return {
        instance,
        configuration: run.configuration ?? instance.configuration,
        experiment: { name: instance.experiment, file: snapshot.entry, absoluteFile, codeHash: snapshot.hash },
        // The code is the kept one: the folder's git state here says nothing about it. A queued
        // run of the current code carries its files' git state from where it was queued.
        environment: async () => {
          const { environment } = await readRunEnvironment(process.cwd(), []);
          const queued = run.codeSnapshot ? undefined : run.environment?.git;
          return queued ? { ...environment, git: queued } : environment;
        },
      };
    }
    const { snapshot, root, ...code } = await this.#o.resolveExperiment(instance.experiment);
    if (snapshot && keepCode) await service.storeCodeSnapshot(snapshot);
    const configuration = run.configuration ?? service.runConfiguration(instance);
    return {
      instance,
      configuration,
      experiment: { name: instance.experiment, ...code },
      environment: async () => {
        if (keepCode && root && snapshot) return environmentOfCode(root, snapshot, (hash, commit, diff) => service.storeCodeDiff(hash, commit, diff));
        const { environment } = await readRunEnvironment(process.cwd(), []);
        if (!keepCode) delete environment.git;
        return environment;
      },
    };
  }

  #settle(runId: string, run: Run): void {
    this.#finished.get(runId)?.(run);
    this.#finished.delete(runId);
    // Keep the promise a moment for late waitFor() callers, then forget it (memory stays flat).
    setTimeout(() => this.#waiters.delete(runId), 60_000).unref();
  }

  #recover(): Promise<string[]> {
    return recoverInterruptedRuns({
      service: this.#o.service,
      bus: this.#o.bus,
      owner: this.owner,
      staleAfterMs: this.#o.staleAfterMs,
    });
  }
}

/** Creates a supervisor; call `start()` before starting runs. */
export function createRunSupervisor(options: RunSupervisorOptions): RunSupervisor {
  return new RunSupervisor(options);
}
