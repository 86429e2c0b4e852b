/**
 * One node of a run pool on Postgres: an `athanor worker`, or a workbench started with
 * `--runs queue|both`. What it does depends on its role:
 *
 * - every node looks for dead workers every interval (worker-lease.ts);
 * - a node that takes jobs (`takeJobs`: a worker, a `both` workbench) keeps a lease,
 *   works `athanor_run` jobs through its RunSupervisor (the same run servers, output
 *   pipeline and cancel ladder as local runs), tells the pool what its runs store
 *   (run-event-bridge.ts) and listens for cancels;
 * - a node that serves tabs (`serve`: a workbench) turns the pool's notices into events
 *   on its bus (remote-run-events.ts).
 *
 * `stop()` drains: no new jobs, runs under way get `drainMs` to finish, then are
 * cancelled through the ladder.
 */
import type { Runner } from 'graphile-worker';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import { InvalidTransitionError, NotFoundError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import { shouldRetry, type ExperimentsService } from '../experiments-service.ts';
import type { PoolWorker, Run } from '../records.ts';
import type { RunSupervisor } from '../supervisor/run-supervisor.ts';
import { migrateQueue, removeRunJob, startJobRunner, type RunJobPayload } from './job-queue.ts';
import { listenForNotices, type NoticeListener } from './notice-listener.ts';
import { createRemoteRunEvents } from './remote-run-events.ts';
import { bridgeRunEvents } from './run-event-bridge.ts';
import { queueRetry } from './run-retry.ts';
import { CANCEL_CHANNEL, decodeCancelNotice, decodeRunNotice, notifyCancel, RUNS_CHANNEL, RunNoticeSender } from './run-notifications.ts';
import { beat, listLiveWorkers, recoverDeadWorkers, registerWorker, releaseWorker, type WorkerLease } from './worker-lease.ts';

/** Default beat of a worker's lease (ms); a worker missing three is gone. */
export const DEFAULT_HEARTBEAT_MS = 5000;

export interface RunPoolNodeOptions {
  connectionString: string;
  db: Kysely<DatabaseSchema>;
  service: ExperimentsService;
  bus: EventBus;
  /** Runs the jobs this node takes; created with `worker: name` and `codeFromRun: true`. */
  supervisor: RunSupervisor;
  /** The worker's name, recorded by the runs it runs. */
  name: string;
  /** Work jobs (a worker; a workbench with `--runs both`). */
  takeJobs: boolean;
  /** Publish other nodes' runs on this node's bus (a workbench). */
  serve: boolean;
  /** Jobs at once (default: the supervisor's concurrency). */
  concurrency: number;
  /** The lease's beat (ms, default 5,000). */
  heartbeatMs?: number;
  /** Told of what the lease did (dead workers found) — the worker command prints it. */
  onRecovery?: (line: string) => void;
}

export class RunPoolNode {
  readonly #o: RunPoolNodeOptions;
  readonly #heartbeatMs: number;
  readonly #lease: WorkerLease;
  readonly #jobWorkers = new Set<string>();
  readonly #sender: RunNoticeSender;
  #runner: Runner | undefined;
  #listener: NoticeListener | undefined;
  #timers: NodeJS.Timeout[] = [];
  #offBridge: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: RunPoolNodeOptions) {
    this.#o = options;
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#lease = { owner: options.supervisor.owner, name: options.name, concurrency: options.concurrency };
    this.#sender = new RunNoticeSender(options.db);
  }

  get name(): string {
    return this.#o.name;
  }

  /** Joins the pool: graphile-worker's schema, the lease, the listener, then the jobs. */
  async start(): Promise<void> {
    const { db, bus, supervisor, takeJobs, serve } = this.#o;
    await migrateQueue(this.#o.connectionString);
    const remote = serve ? createRemoteRunEvents({ service: this.#o.service, bus, node: supervisor.owner }) : undefined;
    this.#listener = listenForNotices({
      connectionString: this.#o.connectionString,
      channels: [...(serve ? [RUNS_CHANNEL] : []), ...(takeJobs ? [CANCEL_CHANNEL] : [])],
      onNotice: (channel, payload) => {
        if (channel === RUNS_CHANNEL) {
          const notice = decodeRunNotice(payload);
          if (notice) remote?.handle(notice);
        } else if (channel === CANCEL_CHANNEL) {
          const notice = decodeCancelNotice(payload);
          if (notice && supervisor.isActive(notice.runId)) void supervisor.cancelRun(notice.runId, notice.reason).catch(() => {});
        }
      },
    });
    await this.#listener.ready;
    if (takeJobs) {
      await registerWorker(db, this.#lease);
      this.#offBridge = bridgeRunEvents({ bus, sender: this.#sender, node: supervisor.owner, isLocal: (runId) => supervisor.whereis(runId) !== undefined });
      this.#every(() => beat(db, this.#lease, [...this.#jobWorkers]));
    }
    this.#every(() => this.#recover());
    await this.#recover().catch(() => {});
    if (takeJobs) {
      this.#runner = await startJobRunner({
        connectionString: this.#o.connectionString,
        concurrency: this.#o.concurrency,
        onJobWorker: (id) => this.#jobWorkers.add(id),
        runJob: (payload, jobWorker) => this.#runJob(payload, jobWorker),
      });
      await beat(db, this.#lease, [...this.#jobWorkers]);
    }
  }

  /** The pool's live workers (their leases). */
  listWorkers(): Promise<PoolWorker[]> {
    return listLiveWorkers(this.#o.db, this.#heartbeatMs);
  }

  /** Asks the worker running `run` to cancel it; the message to answer with, or undefined when no worker runs it. */
  async cancelElsewhere(run: Run, reason: string): Promise<string | undefined> {
    if (!run.worker) return undefined;
    await notifyCancel(this.#o.db, { runId: run.id, reason });
    return `the run is being cancelled on worker ${run.worker}`;
  }

  /** Removes a cancelled, queued run's job, so no worker takes it (see removeRunJob). */
  dropQueuedJob(runId: string): Promise<void> {
    return removeRunJob(this.#o.db, runId);
  }

  /**
   * Queues the next attempt of a failed run of the pool when its definition retries it, and
   * tells the pool's workbenches of it; resolves with the retry, or undefined.
   */
  async retry(failed: Run): Promise<Run | undefined> {
    const retry = await queueRetry(this.#o.service, failed);
    if (retry) this.#announce(retry);
    return retry;
  }

  /** Publishes a run's status here and tells the other nodes (their tabs read the row). */
  #announce(run: Run): void {
    this.#o.bus.publish('run.status', { runId: run.id, instanceId: run.instanceId, status: run.status, run });
    this.#sender.send({ t: 'status', node: this.#o.supervisor.owner, runId: run.id, instanceId: run.instanceId });
  }

  /**
   * Leaves the pool: takes no more jobs, lets the runs under way finish within `drainMs`,
   * then cancels the rest through the ladder; removes the lease once they ended.
   */
  stop(drainMs = 0): Promise<void> {
    return (this.#stopping ??= this.#stop(drainMs));
  }

  async #stop(drainMs: number): Promise<void> {
    const { supervisor, db } = this.#o;
    const drained = this.#runner?.stop() ?? Promise.resolve();
    const cancel = setTimeout(() => {
      for (const runId of this.#running) {
        void supervisor.cancelRun(runId, `cancelled: worker ${this.#o.name} stopped (its ${Math.round(drainMs / 1000)} s drain ended)`).catch(() => {});
      }
    }, drainMs);
    await drained.catch((error: unknown) => console.error(`athanor worker: stopping the job runner: ${(error as Error)?.message ?? error}`));
    clearTimeout(cancel);
    for (const timer of this.#timers) clearInterval(timer);
    this.#offBridge?.();
    await this.#sender.flush();
    if (this.#o.takeJobs) await releaseWorker(db, this.#lease.owner).catch(() => {});
    await this.#listener?.close();
  }

  readonly #running = new Set<string>();

  /** One job: claim and run its run here, resolving when it has ended. A run ended or gone meanwhile completes the job. */
  async #runJob({ runId }: RunJobPayload, jobWorker: string | null): Promise<void> {
    if (jobWorker && !this.#jobWorkers.has(jobWorker)) {
      // Written before the run is claimed: a node that finds this worker dead unlocks its jobs by these ids.
      this.#jobWorkers.add(jobWorker);
      await beat(this.#o.db, this.#lease, [...this.#jobWorkers]);
    }
    const { supervisor } = this.#o;
    try {
      await supervisor.startRun(runId);
    } catch (error) {
      if (error instanceof InvalidTransitionError || error instanceof NotFoundError) return; // cancelled, ended or deleted before it started
      throw error; // the job is tried again (here or elsewhere)
    }
    this.#running.add(runId);
    try {
      await supervisor.waitFor(runId);
    } finally {
      this.#running.delete(runId);
    }
  }

  async #recover(): Promise<void> {
    const recovery = await recoverDeadWorkers(this.#o.db, this.#o.service, this.#heartbeatMs);
    for (const run of recovery.ended) {
      this.#announce(run);
      if (shouldRetry(run)) await this.retry(run).catch((error: unknown) => console.error(`athanor: could not retry run ${run.id}: ${(error as Error)?.message ?? error}`));
    }
    if (recovery.workers.length > 0 || recovery.ended.length > 0 || recovery.requeued.length > 0) {
      this.#o.onRecovery?.(
        `worker(s) ${recovery.workers.join(', ') || '(gone)'} stopped beating: ${recovery.ended.length} run(s) ended, ${recovery.requeued.length} given back to the queue`,
      );
    }
  }

  #every(task: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void task()
        .catch(() => {}) // the database away: the next beat tries again
        .finally(() => (busy = false));
    }, this.#heartbeatMs);
    timer.unref();
    this.#timers.push(timer);
  }
}
