/**
 * The workers' lease (graphile-worker 0.17 has no heartbeat: a crashed worker's jobs stay
 * locked for hours). Each worker keeps a row in `workers` and beats it, with its runs'
 * `heartbeat_at`, every interval; every live node (workers, and workbenches on the queue)
 * looks for workers that missed three beats and:
 *
 * - ends their running runs `failed` "interrupted: worker NAME stopped" (what they stored
 *   stays);
 * - gives their claimed, not yet started runs back to the queue and unlocks the jobs
 *   they held, so another worker takes them;
 * - removes their row.
 *
 * Times are the database's (`now()`): machines' clocks may disagree, the database's is one.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import type { PoolWorker, Run } from '../records.ts';
import type { ExperimentsService } from '../experiments-service.ts';
import { QUEUED_OWNER } from '../supervisor/run-recovery.ts';
import { unlockJobs } from './job-queue.ts';

/** Beats a worker may miss before it counts as gone. */
export const MISSED_BEATS = 3;

/** The reason a run of a dead worker ends with. */
export const workerStopped = (name: string) => `interrupted: worker ${name} stopped`;

/** A worker's lease row. */
export interface WorkerLease {
  owner: string;
  name: string;
  concurrency: number;
}

const ago = (ms: number) => sql<Date>`now() - (${ms} * interval '1 millisecond')`;

/** Writes (or writes again) the worker's row, beating it now. */
export async function registerWorker(db: Kysely<DatabaseSchema>, lease: WorkerLease, jobWorkers: readonly string[] = []): Promise<void> {
  await db
    .insertInto('workers')
    .values({ ...lease, job_workers: JSON.stringify(jobWorkers), started_at: sql`now()`, heartbeat_at: sql`now()` })
    .onConflict((oc) => oc.column('owner').doUpdateSet({ heartbeat_at: sql`now()`, job_workers: JSON.stringify(jobWorkers) }))
    .execute();
}

/** One beat: the worker's row (written again if another node removed it) and its active runs. */
export async function beat(db: Kysely<DatabaseSchema>, lease: WorkerLease, jobWorkers: readonly string[]): Promise<void> {
  await registerWorker(db, lease, jobWorkers);
  await db
    .updateTable('runs')
    .set({ heartbeat_at: sql`now()` })
    .where('owner', '=', lease.owner)
    .where('status', 'in', ['pending', 'running'])
    .execute();
}

/** The workers whose lease is live, by name. */
export async function listLiveWorkers(db: Kysely<DatabaseSchema>, intervalMs: number): Promise<PoolWorker[]> {
  const rows = await db
    .selectFrom('workers')
    .select(['name', 'concurrency', 'started_at', 'heartbeat_at'])
    .where('heartbeat_at', '>=', ago(intervalMs * MISSED_BEATS))
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    name: row.name,
    concurrency: row.concurrency,
    startedAt: new Date(row.started_at).toISOString(),
    heartbeatAt: new Date(row.heartbeat_at).toISOString(),
  }));
}

/** Removes the worker's row (it stopped cleanly, its runs ended). */
export async function releaseWorker(db: Kysely<DatabaseSchema>, owner: string): Promise<void> {
  await db.deleteFrom('workers').where('owner', '=', owner).execute();
}

/** What one look for dead workers did. */
export interface LeaseRecovery {
  /** Names of the workers found dead. */
  workers: string[];
  /** Runs ended `failed`. */
  ended: Run[];
  /** Runs given back to the queue. */
  requeued: string[];
}

/**
 * Finds workers that missed {@link MISSED_BEATS} beats of `intervalMs`, and runs of the
 * queue whose owner holds no live lease; ends or requeues those runs (see the top of the file).
 */
export async function recoverDeadWorkers(
  db: Kysely<DatabaseSchema>,
  service: Pick<ExperimentsService, 'transitionRun'>,
  intervalMs: number,
): Promise<LeaseRecovery> {
  const staleMs = intervalMs * MISSED_BEATS;
  const dead = await db.selectFrom('workers').select(['owner', 'name', 'job_workers']).where('heartbeat_at', '<', ago(staleMs)).execute();
  const orphans = await db
    .selectFrom('runs')
    .select(['id', 'status', 'owner', 'worker'])
    .where('status', 'in', ['pending', 'running'])
    .where('worker', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('owner', 'is', null),
        eb('owner', 'not in', eb.selectFrom('workers').select('owner').where('heartbeat_at', '>=', ago(staleMs))),
      ]),
    )
    .execute();
  const recovery: LeaseRecovery = { workers: dead.map((worker) => worker.name), ended: [], requeued: [] };
  for (const run of orphans) {
    if (run.status === 'running') {
      const ended = await service.transitionRun(run.id, 'failed', { error: workerStopped(run.worker!) }).catch(() => undefined);
      if (ended) recovery.ended.push(ended);
      continue;
    }
    const back = await db
      .updateTable('runs')
      .set({ owner: QUEUED_OWNER, worker: null, heartbeat_at: null })
      .where('id', '=', run.id)
      .where('status', '=', 'pending')
      .where((eb) => (run.owner === null ? eb('owner', 'is', null) : eb('owner', '=', run.owner)))
      .executeTakeFirst();
    if (Number(back.numUpdatedRows) > 0) recovery.requeued.push(run.id);
  }
  const jobWorkers = dead.flatMap((worker) => (Array.isArray(worker.job_workers) ? (worker.job_workers as string[]) : []));
  await unlockJobs(db, jobWorkers);
  if (dead.length > 0) await db.deleteFrom('workers').where('owner', 'in', dead.map((worker) => worker.owner)).where('heartbeat_at', '<', ago(staleMs)).execute();
  return recovery;
}
