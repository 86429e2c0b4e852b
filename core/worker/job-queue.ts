/**
 * The run queue on graphile-worker (issue 16): one job per queued run, task
 * `athanor_run`, payload `{runId}`, job key the run id. Jobs are added in SQL, in the
 * transaction that marks the run queued, so a run is never queued without its job nor a
 * job left without its run.
 *
 * graphile-worker keeps its own schema (`graphile_worker`) in the same database; it is
 * created on first use by {@link migrateQueue} (the workbench) or by the runner (a worker).
 */
import { EventEmitter } from 'node:events';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Logger, run, runMigrations, type Runner, type Task, type WorkerEvents } from 'graphile-worker';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import { isOutage, sayOutage } from './outage-notice.ts';

/** The graphile-worker task that runs a queued run. */
export const RUN_TASK = 'athanor_run';

/**
 * Attempts of a job: a job only fails when the worker could not reach the database to
 * start its run; the run's own failure completes the job.
 */
const MAX_ATTEMPTS = 5;

/** The payload of a run's job. */
export interface RunJobPayload {
  runId: string;
}

/** Reads a job's payload, refusing what this version did not write. */
export function readRunJob(payload: unknown): RunJobPayload {
  const runId = (payload as { runId?: unknown } | null)?.runId;
  if (typeof runId !== 'string') throw new Error(`athanor_run job: payload.runId must be a run id, got ${JSON.stringify(payload)}`);
  return { runId };
}

/** Adds run `runId`'s job inside `trx` (the transaction that queues the run). */
export async function addRunJob(trx: Transaction<DatabaseSchema> | Kysely<DatabaseSchema>, runId: string): Promise<void> {
  const payload = JSON.stringify({ runId } satisfies RunJobPayload);
  await sql`select graphile_worker.add_job(${RUN_TASK}, ${payload}::json, max_attempts => ${MAX_ATTEMPTS}, job_key => ${runId})`.execute(trx);
}

/**
 * Removes run `runId`'s job (a queued run cancelled): deleted when no worker holds it; when
 * one does, graphile-worker's `remove_job` clears its key and leaves it no attempt to retry
 * (that worker finds the run cancelled and completes the job).
 */
export async function removeRunJob(db: Kysely<DatabaseSchema>, runId: string): Promise<void> {
  await sql`select graphile_worker.remove_job(${runId})`.execute(db);
}

/** Unlocks the jobs of graphile-worker workers that died with them, so others take them. */
export async function unlockJobs(db: Kysely<DatabaseSchema>, jobWorkerIds: readonly string[]): Promise<void> {
  if (jobWorkerIds.length === 0) return;
  await sql`select graphile_worker.force_unlock_workers(${[...jobWorkerIds]}::text[])`.execute(db);
}

/** Creates or updates graphile-worker's schema in the database at `connectionString`. */
export async function migrateQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quietLogger() });
}

/** graphile-worker's log, errors and warnings only, on stderr; its errors while the database is away, as one line a while. */
function quietLogger(): Logger {
  return new Logger(() => (level, message) => {
    if (level !== 'error' && level !== 'warning') return;
    if (isOutage(message)) {
      sayOutage('queue', 'athanor: the run queue lost its database connection; it reconnects on its own (runs under way go on)');
      return;
    }
    process.stderr.write(`athanor worker (graphile-worker ${level}): ${message}\n`);
  });
}

/** Options of {@link startJobRunner}. */
export interface JobRunnerOptions {
  connectionString: string;
  /** Jobs worked at once. */
  concurrency: number;
  /** Works one run's job; resolves when the run has ended. */
  runJob(payload: RunJobPayload, jobWorkerId: string | null): Promise<void>;
  /** Called with the id of each graphile-worker worker as it is made (the lease lists them). */
  onJobWorker(id: string): void;
  /** How often to look for jobs when no notification came (ms, default 2,000). */
  pollIntervalMs?: number;
}

/**
 * Starts taking run jobs. `stop()` on the runner stops taking jobs and waits for the
 * ones under way (graphile-worker's graceful shutdown).
 */
export async function startJobRunner(options: JobRunnerOptions): Promise<Runner> {
  const task: Task = async (payload, helpers) => {
    await options.runJob(readRunJob(payload), helpers.job.locked_by);
  };
  // Given before the pool starts: its workers are made (and named) while `run` starts.
  const events = new EventEmitter() as WorkerEvents;
  events.on('worker:create', ({ worker }) => options.onJobWorker(worker.workerId));
  const runner = await run({
    events,
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    // The pool's connections: one per job's completion, plus the fetches and the LISTEN.
    maxPoolSize: Math.max(4, options.concurrency + 2),
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 2000,
    taskList: { [RUN_TASK]: task },
    logger: quietLogger(),
  });
  return runner;
}
