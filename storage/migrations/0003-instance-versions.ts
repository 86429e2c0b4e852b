/**
 * Instance history: every saved state of an instance (name, description, configuration)
 * is kept as a numbered version, and a run records the version it was started from.
 *
 * - `instance_versions (instance_id, version)`: one row per state, never changed once
 *   written; it goes with its instance (`on delete cascade`).
 * - `instances.version`: the instance's current version (its latest row above).
 * - `runs.instance_version`: the version a run was created from.
 *
 * Backfill: each existing instance gets version 1 holding its current state, dated at
 * its `updated_at` (when that state was saved). Existing runs get `null`, not 1: an
 * instance may have been edited after them, so which configuration they ran with is not
 * known, and a wrong link is worse than none. The UI shows them without a version.
 *
 * No foreign key from `runs.instance_version` to `instance_versions`: both go with their
 * instance, versions are never deleted alone, and pg-mem does not cascade through
 * composite keys reliably.
 */
import { sql, type Kysely, type Migration } from 'kysely';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instance_versions')
    .addColumn('instance_id', 'uuid', (col) => col.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('configuration', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('instance_versions_pkey', ['instance_id', 'version'])
    .addCheckConstraint('instance_versions_version_check', sql`version >= 1`)
    .execute();
  await db.schema.alterTable('instances').addColumn('version', 'integer', (col) => col.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('runs').addColumn('instance_version', 'integer').execute();
  await sql`
    insert into instance_versions (instance_id, version, name, description, configuration, created_at)
    select id, 1, name, description, configuration, updated_at from instances`.execute(db);
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').dropColumn('instance_version').execute();
  await db.schema.alterTable('instances').dropColumn('version').execute();
  await db.schema.dropTable('instance_versions').ifExists().execute();
}

/** Migration `0003-instance-versions`. */
export const instanceVersionsMigration: Migration = { up, down };
