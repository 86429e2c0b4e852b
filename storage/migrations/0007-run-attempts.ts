/**
 * Retries (`Definition.retries(n)`, issue 16): a failed run may be run again, each retry a
 * new run row recording which attempt it is.
 *
 * - `runs.retries`: how many retries the run's definition allowed when the run was created
 *   (a retry copies it: one chain, one budget).
 * - `runs.attempt`: 1 for a run, 2 for its first retry, …
 * - `runs.retry_of`: the failed run this one retries; unique, so two nodes that both see a
 *   run fail (a worker and the lease's recovery) make one retry between them.
 */
import type { Kysely, Migration } from 'kysely';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('runs')
    .addColumn('retries', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('runs')
    .addColumn('attempt', 'integer', (col) => col.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('runs').addColumn('retry_of', 'uuid').execute();
  await db.schema.createIndex('runs_retry_of').unique().on('runs').column('retry_of').execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_retry_of').ifExists().execute();
  for (const column of ['retry_of', 'attempt', 'retries']) await db.schema.alterTable('runs').dropColumn(column).execute();
}

/** Migration `0007-run-attempts`. */
export const runAttemptsMigration: Migration = { up, down };
