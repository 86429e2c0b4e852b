/**
 * RunServer: the parent side of one run (the seed's GenServer). It launches the run's
 * process, owns the run's status transitions, feeds its output to the run's output
 * pipeline (core/run-output/: buffer → ordered writer → storage → event bus), and walks
 * the cancellation ladder: a cooperative cancel, then SIGTERM, then SIGKILL.
 *
 * The final flush is committed before the final status is written, so a finished run
 * always has all of its output.
 */
import type { EventBus } from '../events/event-bus.ts';
import type { ExperimentsService } from '../experiments-service.ts';
import { frameLimitBroken, PROTOCOL_VERSION, type ChildFrame, type EndFrame } from '../ipc/ipc-protocol.ts';
import type { Instance, Run, RunEnvironment, RunStatus } from '../records.ts';
import { RunOutput } from '../run-output/run-output.ts';
import type { LiveBudget } from './live-budget.ts';
import type { LoadGovernor } from './load-governor.ts';
import type { StoreSlots } from './store-slots.ts';
import type { ExitInfo, RunDispatcher, RunProcess } from './run-dispatcher.ts';
import { describeExit, describeWireError } from './run-outcome.ts';
import { toStorableText } from '../runtime/json-value.ts';
import { isConnectionError } from '../../storage/storage-errors.ts';
import { DatabaseUnavailableError, retryWhileUnavailable } from './database-retry.ts';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** What a run needs to start, read right before it does. */
export interface PreparedRun {
  instance: Instance;
  experiment: { name: string; file: string; absoluteFile: string; codeHash: string };
  /** What `Runtime.config(ctx)` returns to the run: kept with it. */
  configuration: Record<string, unknown>;
  /** Reads where the run runs (git included), while its process starts. */
  environment(): Promise<RunEnvironment>;
}

/** What a run server needs of storage: its run's record, transitions and progress, and an ordered writer. */
export type RunStorage = Pick<ExperimentsService, 'getRun' | 'transitionRun' | 'saveProgress' | 'createRunWriter'>;

export interface RunServerOptions {
  /** The run as it was queued (its id, instance and options). */
  run: Run;
  /** Reads the instance and the experiment's code; a run whose instance is gone fails to prepare. */
  prepare(): Promise<PreparedRun>;
  /** The workbench's experiments service, or a memory run's store (memory-run.ts). */
  service: RunStorage;
  bus: EventBus;
  dispatcher: RunDispatcher;
  owner: string;
  /** The worker name the run records, when it runs on one. */
  worker?: string;
  /** Wait after a cooperative cancel before SIGTERM (ms). */
  graceMs: number;
  /** Wait after SIGTERM before SIGKILL (ms). */
  killAfterMs: number;
  maxEntryBytes: number;
  /** Memory a run's process may use (MiB) unless the run's options say otherwise. */
  memoryMb: number;
  /** Shared by the runs of a supervisor: how many store at once. */
  storeSlots: StoreSlots;
  /** Shared by the runs of a supervisor: log entries per second sent live. */
  liveBudget: LiveBudget;
  /** This run's share of the entries the supervisor lets wait in memory. */
  bufferShare?: () => number;
  /** Shared by the runs of a supervisor: pauses their output while the workbench lags. */
  governor?: LoadGovernor;
  /** Least time between two `run.progress` events. */
  progressIntervalMs?: number;
  /** How long the database may be away before the run fails (ms, default 60,000); batches wait meanwhile. */
  databaseOutageMs?: number;
}

export class RunServer {
  readonly runId: string;
  readonly #o: RunServerOptions;
  #process: RunProcess | undefined;
  readonly #output: RunOutput;
  #end: EndFrame | undefined;
  #stopReason: { status: 'cancelled' | 'failed'; error: string } | undefined;
  #escalation: string | undefined;
  #failure: string | undefined;
  #timers: NodeJS.Timeout[] = [];
  /** Why the process' output is paused: its buffer is full, or the workbench lags. */
  readonly #pausedBy = new Set<'buffer' | 'load'>();
  #unsubscribe: (() => void) | undefined;
  #started: Promise<void> | undefined;
  #finished = false;
  readonly done: Promise<Run>;
  #resolveDone!: (run: Run) => void;

  constructor(options: RunServerOptions) {
    this.#o = options;
    this.runId = options.run.id;
    this.done = new Promise((resolve) => (this.#resolveDone = resolve));
    this.#output = new RunOutput({
      runId: this.runId,
      instanceId: options.run.instanceId,
      service: options.service,
      bus: options.bus,
      maxEntryBytes: options.maxEntryBytes,
      storeSlots: options.storeSlots,
      liveBudget: options.liveBudget,
      onBackPressure: (paused) => this.#pauseOutput('buffer', paused),
      onError: (message) => this.#fail(message),
      ...(options.bufferShare ? { bufferShare: options.bufferShare } : {}),
      ...(options.progressIntervalMs === undefined ? {} : { progressIntervalMs: options.progressIntervalMs }),
      ...(options.databaseOutageMs === undefined ? {} : { databaseOutageMs: options.databaseOutageMs }),
    });
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** The most log entries and results that waited in memory at once. */
  get peakBuffered(): number {
    return this.#output.peakBuffered;
  }

  /**
   * Launches the process and marks the run running. Never rejects: whatever stops the start
   * (the instance deleted, the run cancelled or ended elsewhere, no process) ends the run
   * and kills a host launched for it. Resolves once the run executes or has ended.
   */
  start(): Promise<void> {
    return (this.#started ??= this.#start().catch((error) => this.#finish('failed', `could not start the run: ${errorText(error)}`)));
  }

  /** Settles when `start()` has: the run executes, or has ended. */
  get started(): Promise<void> {
    return this.#started ?? Promise.resolve();
  }

  async #start(): Promise<void> {
    const { run, service } = this.#o;
    const boundMs = this.#o.databaseOutageMs ?? 60_000;
    let prepared: PreparedRun;
    try {
      prepared = await retryWhileUnavailable(() => this.#o.prepare(), { boundMs });
    } catch (error) {
      return this.#finish('failed', `could not start the run: ${errorText(error)}`);
    }
    if (this.#stopReason) return this.#finish(this.#stopReason.status, this.#stopReason.error);
    // Read while the process starts; a failure to read it never stops the run.
    const environment = prepared.environment().catch((error): RunEnvironment | undefined => {
      console.error(`athanor: could not read run ${run.id}'s environment: ${errorText(error)}`);
      return undefined;
    });
    let process: RunProcess;
    try {
      process = await this.#o.dispatcher.launch(
        {
          onFrame: (frame) => this.#onFrame(frame),
          onOutput: (stream, line, droppedBytes) => this.#onOutput(stream, line, droppedBytes),
          onProtocolError: (error) => this.#fail(`the run's process broke the protocol: ${error.message}`),
        },
        { maxEntryBytes: this.#o.maxEntryBytes, memoryMb: run.options.memoryMb ?? this.#o.memoryMb },
      );
    } catch (error) {
      return this.#finish('failed', `could not start the run's process: ${errorText(error)}`);
    }
    this.#process = process;
    if (this.#pausedBy.size) process.pauseOutput();
    this.#unsubscribe = this.#o.governor?.subscribe((paused) => this.#pauseOutput('load', paused));
    let running: Run | undefined;
    let unavailable: string | undefined;
    if (!this.#stopReason) {
      const { experiment, configuration } = prepared;
      const ranIn = await environment;
      const markRunning = async (attempt: number) => {
        try {
          return await service.transitionRun(run.id, 'running', {
            codeHash: experiment.codeHash,
            owner: this.#o.owner,
            ...(this.#o.worker === undefined ? {} : { worker: this.#o.worker }),
            configuration,
            ...(ranIn ? { environment: ranIn } : {}),
          });
        } catch (error) {
          // A retry after a connection lost with the answer: the first attempt may have committed.
          const row = attempt > 0 && !isConnectionError(error) ? await service.getRun(run.id) : undefined;
          if (row?.status === 'running') return row;
          throw error;
        }
      };
      running = await retryWhileUnavailable(markRunning, { boundMs }).catch((error) => {
        if (error instanceof DatabaseUnavailableError) unavailable = `could not start the run: ${error.message}`;
        return undefined;
      });
    }
    if (!running) {
      // Cancelled while launching, the database away, or the row cancelled, ended or deleted meanwhile.
      process.kill('SIGKILL');
      await process.finished;
      const reason = this.#stopReason ?? { status: 'failed' as const, error: unavailable ?? 'the run was ended or deleted before it started' };
      return this.#finish(reason.status, reason.error);
    }
    this.#publishStatus(running);
    this.#send(process, prepared, running);
    const timeoutMs = run.options.timeoutMs;
    if (timeoutMs) this.#timers.push(setTimeout(() => this.#stop('failed', `timeout: the run exceeded its limit of ${timeoutMs} ms`), timeoutMs));
    void process.finished.then((exit) => this.#onExit(exit));
  }

  #send(process: RunProcess, { instance, experiment, configuration }: PreparedRun, running: Run): void {
    process.send({
      type: 'start',
      version: PROTOCOL_VERSION,
      file: experiment.absoluteFile,
      context: {
        run: running,
        instance: { id: instance.id, name: instance.name, description: instance.description, experiment: instance.experiment },
        configuration,
        experiment: { name: experiment.name, file: experiment.file },
      },
      limits: { maxEntryBytes: this.#o.maxEntryBytes },
    });
  }

  /** Cancels the run through the ladder. */
  cancel(reason = 'cancelled by request'): void {
    this.#stop('cancelled', reason);
  }

  #stop(status: 'cancelled' | 'failed', error: string): void {
    if (this.#stopReason || this.#end) return;
    this.#stopReason = { status, error };
    const process = this.#process;
    if (!process) return; // start() sees the reason once the process is there
    process.send({ type: 'cancel', reason: error });
    this.#timers.push(
      setTimeout(() => {
        if (!process.alive) return;
        this.#escalation = `it did not stop within ${this.#o.graceMs} ms and was terminated (SIGTERM)`;
        process.kill('SIGTERM');
        this.#timers.push(
          setTimeout(() => {
            if (!process.alive) return;
            this.#escalation = `it did not stop within ${this.#o.graceMs} ms, nor ${this.#o.killAfterMs} ms after SIGTERM, and was killed (SIGKILL)`;
            process.kill('SIGKILL');
          }, this.#o.killAfterMs),
        );
      }, this.#o.graceMs),
    );
  }

  #fail(message: string): void {
    this.#failure ??= message;
    this.#process?.kill('SIGKILL');
  }

  #onFrame(frame: ChildFrame): void {
    if (this.#failure) return;
    const broken = frameLimitBroken(frame, { maxEntryBytes: this.#o.maxEntryBytes });
    if (broken) return this.#fail(`the run broke a limit: ${broken}`);
    switch (frame.t) {
      case 'batch':
        return this.#output.addBatch(frame);
      case 'warning':
        return this.#output.addWarning(frame.message);
      case 'end':
        // A failure after `completed` (the run threw after Runtime.complete) replaces it.
        if (!this.#end || (this.#end.outcome === 'completed' && frame.outcome === 'failed')) this.#end = frame;
        // The outcome is decided; a process that lingers past that is not waited for.
        this.#timers.push(setTimeout(() => this.#process?.kill('SIGKILL'), 2000));
        return;
      case 'ready':
        return;
    }
  }

  #onOutput(stream: 'stdout' | 'stderr', printed: string, droppedBytes = 0): void {
    this.#output.addPrinted(stream, printed, droppedBytes);
  }

  async #onExit(exit: ExitInfo): Promise<void> {
    await this.#output.drain(); // a failed store is already this.#failure
    let status: RunStatus;
    let error: string | null;
    if (this.#failure) [status, error] = ['failed', this.#failure];
    else if (this.#stopReason) {
      status = this.#stopReason.status;
      error = this.#escalation ? `${this.#stopReason.error}; ${this.#escalation}` : this.#stopReason.error;
    } else if (this.#end) [status, error] = [this.#end.outcome, this.#end.error ? describeWireError(this.#end.error) : null];
    else [status, error] = ['failed', describeExit(exit)];
    await this.#finish(status, error);
  }

  #pauseOutput(reason: 'buffer' | 'load', paused: boolean): void {
    const before = this.#pausedBy.size;
    if (paused) this.#pausedBy.add(reason);
    else this.#pausedBy.delete(reason);
    if (before === 0 && this.#pausedBy.size > 0) this.#process?.pauseOutput();
    if (before > 0 && this.#pausedBy.size === 0) this.#process?.resumeOutput();
  }

  async #finish(status: RunStatus, reason: string | null): Promise<void> {
    if (this.#finished) return;
    const error = reason === null ? null : toStorableText(reason);
    this.#finished = true;
    this.#unsubscribe?.();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#output.close();
    const { service, run } = this.#o;
    try {
      // An outage the run already waited out counts: the slot is not held for a second bound.
      const final = await retryWhileUnavailable(() => service.transitionRun(this.runId, status, { error }), {
        boundMs: this.#o.databaseOutageMs ?? 60_000,
        since: this.#output.outageSince,
      });
      this.#publishStatus(final);
      this.#resolveDone(final);
    } catch (failure) {
      if (failure instanceof DatabaseUnavailableError) {
        // The slot is freed; the outcome is written when the database is back, so the row never stays `running`.
        this.#resolveDone({ ...run, status, error });
        void retryWhileUnavailable(() => service.transitionRun(this.runId, status, { error }), { boundMs: Infinity }).then(
          (final) => this.#publishStatus(final),
          () => {},
        );
        return;
      }
      // Ended elsewhere (its row says how), or gone with its instance: report what we know.
      this.#resolveDone(await service.getRun(this.runId).catch(() => ({ ...run, status, error })));
    }
  }

  #publishStatus(run: Run): void {
    this.#o.bus.publish('run.status', { runId: run.id, instanceId: run.instanceId, status: run.status, run });
  }
}
