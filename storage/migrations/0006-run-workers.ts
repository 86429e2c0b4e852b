/**
 * Runs on several machines (issue 16).
 *
 * - `runs.worker`: the name of the `athanor worker` (or workbench taking queued runs) that
 *   ran the run; kept after it ends (unlike `owner`, which is only the live lease).
 * - `workers`: one row per live worker process, its lease. `heartbeat_at` is the
 *   database's clock (machines' clocks may differ); `job_workers` lists the ids of its
 *   graphile-worker workers, so a node that finds it dead can unlock the jobs it held.
 */
import { sql, type Kysely, type Migration } from 'kysely';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').addColumn('worker', 'text').execute();
  await db.schema
    .createTable('workers')
    .addColumn('owner', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('concurrency', 'integer', (col) => col.notNull())
    .addColumn('job_workers', 'jsonb', (col) => col.notNull())
    .addColumn('started_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workers').ifExists().execute();
  await db.schema.alterTable('runs').dropColumn('worker').execute();
}

/** Migration `0006-run-workers`. */
export const runWorkersMigration: Migration = { up, down };
