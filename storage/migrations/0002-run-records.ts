/**
 * What a run ran with (issue 13): its own configuration, a content-addressed snapshot of
 * its code, and its environment. Runs from before keep their instance's configuration as
 * it is now, marked inferred, since what they really ran with was not kept.
 *
 * - `code_snapshots`: one row per distinct code (the experiment module and the local
 *   modules it imports), keyed by the code hash runs already record, so a thousand runs of
 *   unchanged code share one row.
 * - `code_diffs`: the diff of a snapshot's files against a git commit, kept once per pair.
 * - `runs.code_snapshot`: the snapshot a run should execute (a rerun of old code); null runs
 *   the experiment's current file.
 */
import { sql, type Kysely, type Migration } from 'kysely';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('code_snapshots')
    .addColumn('hash', 'text', (col) => col.primaryKey())
    .addColumn('entry', 'text', (col) => col.notNull())
    .addColumn('files', 'jsonb', (col) => col.notNull())
    .addColumn('bytes', 'integer', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('code_diffs')
    .addColumn('snapshot_hash', 'text', (col) => col.notNull())
    .addColumn('commit', 'text', (col) => col.notNull())
    .addColumn('diff', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('code_diffs_pkey', ['snapshot_hash', 'commit'])
    .execute();
  await db.schema.alterTable('runs').addColumn('configuration', 'jsonb').execute();
  await db.schema.alterTable('runs').addColumn('configuration_inferred', 'boolean', (col) => col.notNull().defaultTo(false)).execute();
  await db.schema.alterTable('runs').addColumn('environment', 'jsonb').execute();
  await db.schema.alterTable('runs').addColumn('code_snapshot', 'text').execute();
  await db.schema.alterTable('runs').addColumn('rerun_of', 'uuid').execute();
  // Runs that started before this migration: their instance's configuration, marked inferred.
  await sql`update runs set configuration = instances.configuration, configuration_inferred = true
    from instances where instances.id = runs.instance_id and runs.configuration is null and runs.status <> 'pending'`.execute(db);
}

async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['rerun_of', 'code_snapshot', 'environment', 'configuration_inferred', 'configuration']) {
    await db.schema.alterTable('runs').dropColumn(column).execute();
  }
  await db.schema.dropTable('code_diffs').ifExists().execute();
  await db.schema.dropTable('code_snapshots').ifExists().execute();
}

/** Migration `0002-run-records`. */
export const runRecordsMigration: Migration = { up, down };
