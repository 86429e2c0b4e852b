/**
 * The initial schema: instances → runs → run_logs / run_results (see database-schema.ts).
 * Ids are UUIDs made by the application (`crypto.randomUUID()`), so no column relies on
 * `gen_random_uuid()`; every child row goes with its parent (`on delete cascade`).
 */
import { sql, type Kysely, type Migration } from 'kysely';

const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `status in ('pending', …)`, with literals (constraints take no parameters). */
const oneOf = (column: string, values: readonly string[]) =>
  sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('instances')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('experiment', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('configuration', 'jsonb', (col) => col.notNull())
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('instances_experiment_name_key', ['experiment', 'name'])
    .execute();

  await db.schema
    .createTable('runs')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('instance_id', 'uuid', (col) => col.notNull().references('instances.id').onDelete('cascade'))
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('error', 'text')
    .addColumn('progress', 'jsonb')
    .addColumn('code_hash', 'text')
    .addColumn('options', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('owner', 'text')
    .addColumn('heartbeat_at', 'timestamptz')
    .addColumn('log_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('result_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('started_at', 'timestamptz')
    .addColumn('completed_at', 'timestamptz')
    .addCheckConstraint('runs_status_check', oneOf('status', RUN_STATUSES))
    .execute();
  // A run page of an instance, newest first.
  await db.schema.createIndex('runs_instance_id_created_at_idx').on('runs').columns(['instance_id', 'created_at desc']).execute();
  // Start-up recovery looks for runs left `running`.
  await db.schema.createIndex('runs_status_idx').on('runs').column('status').execute();

  await db.schema
    .createTable('run_logs')
    .addColumn('run_id', 'uuid', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('level', 'text', (col) => col.notNull())
    .addColumn('message', 'text', (col) => col.notNull())
    .addColumn('metadata', 'jsonb')
    .addColumn('timestamp', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_logs_pkey', ['run_id', 'seq'])
    .addCheckConstraint('run_logs_level_check', oneOf('level', LOG_LEVELS))
    .execute();

  await db.schema
    .createTable('run_results')
    .addColumn('run_id', 'uuid', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('value', 'jsonb', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_results_pkey', ['run_id', 'seq'])
    .execute();
  // One key's series in order, and the latest value per key.
  await db.schema.createIndex('run_results_run_id_key_seq_idx').on('run_results').columns(['run_id', 'key', 'seq']).execute();
}

async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['run_results', 'run_logs', 'runs', 'instances']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** Migration `0001-initial`. */
export const initialMigration: Migration = { up, down };
