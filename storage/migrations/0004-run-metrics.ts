/**
 * Metrics and series (issue 14): what a run's numeric results are, kept beside
 * `run_results` so that tables sort 20,000+ runs by a metric and a chart of a
 * 1,000,000-point series is answered without reading every result.
 *
 * - `run_metrics (run_id, key)`: the latest numeric value of each result key, the
 *   sequence number it was recorded with, and how many numeric values the key has had
 *   (`count`: the next point's step). Indexed by `(key, value, run_id)`, the order a runs
 *   table sorted by a metric walks.
 * - `runs_started_or_created_idx`: the runs table's default order, `coalesce(started_at, created_at)`.
 * - `run_points (run_id, key, step)`: every numeric value of a key, `step` its 0-based
 *   index in the key's series. A result is a point when its value is a finite JSON number.
 * - `run_point_blocks (run_id, key, block)`: per block of {@link POINTS_PER_BLOCK}
 *   consecutive steps, its lowest and highest value with their (first) steps, and when its
 *   first point was recorded. A chart of a long series is downsampled from these
 *   (min/max per bucket of whole blocks) instead of from every point: measured on
 *   Postgres 15 here, bucketing 1,000,000 points in SQL takes 240–470 ms, the same from
 *   3,907 blocks a few ms (see core/experiments/result-series.ts).
 *
 * All three are derived: the one write path of results (core/experiments/run-series-writes.ts)
 * keeps them in the batch's transaction; they go with their run (`on delete cascade`).
 *
 * Backfill: from `run_results`, in SQL with window functions (Postgres and PGlite). pg-mem
 * has no window functions, but a pg-mem database is always new and empty when migrated
 * (memory backend), so the backfill is skipped when there is no result to backfill.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** Steps per row of `run_point_blocks` (as core/experiments/run-series-rows.ts: never change one without the other). */
const POINTS_PER_BLOCK = 256;

async function createTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('run_metrics')
    .addColumn('run_id', 'uuid', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('value', 'double precision', (col) => col.notNull())
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_metrics_pkey', ['run_id', 'key'])
    .execute();
  await db.schema.createIndex('run_metrics_key_value_run_id_idx').on('run_metrics').columns(['key', 'value', 'run_id']).execute();
  // The runs table's default order (newest started first, a run not started by its creation).
  await db.schema.createIndex('runs_started_or_created_idx').on('runs').expression(sql`coalesce(started_at, created_at)`).execute();

  await db.schema
    .createTable('run_points')
    .addColumn('run_id', 'uuid', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('step', 'integer', (col) => col.notNull())
    .addColumn('value', 'double precision', (col) => col.notNull())
    .addColumn('recorded_at', 'timestamptz', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_points_pkey', ['run_id', 'key', 'step'])
    .execute();

  await db.schema
    .createTable('run_point_blocks')
    .addColumn('run_id', 'uuid', (col) => col.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('key', 'text', (col) => col.notNull())
    .addColumn('block', 'integer', (col) => col.notNull())
    .addColumn('first_at', 'timestamptz', (col) => col.notNull())
    .addColumn('min_value', 'double precision', (col) => col.notNull())
    .addColumn('min_step', 'integer', (col) => col.notNull())
    .addColumn('max_value', 'double precision', (col) => col.notNull())
    .addColumn('max_step', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('run_point_blocks_pkey', ['run_id', 'key', 'block'])
    .execute();
}

async function backfill(db: Kysely<any>): Promise<void> {
  const { rows } = await sql`select 1 from run_results limit 1`.execute(db);
  if (rows.length === 0) return;
  await sql`
    insert into run_points (run_id, key, step, value, recorded_at)
    select run_id, key, (row_number() over (partition by run_id, key order by seq) - 1)::integer,
           (value #>> '{}')::double precision, recorded_at
    from run_results where jsonb_typeof(value) = 'number'`.execute(db);
  await sql`
    insert into run_metrics (run_id, key, value, seq, count)
    select distinct on (run_id, key) run_id, key, (value #>> '{}')::double precision, seq,
           (count(*) over (partition by run_id, key))::integer
    from run_results where jsonb_typeof(value) = 'number'
    order by run_id, key, seq desc`.execute(db);
  // Each block's extremes; ties go to the first step, as the write path keeps them.
  await sql`
    insert into run_point_blocks (run_id, key, block, first_at, min_value, min_step, max_value, max_step)
    select run_id, key, step / ${sql.lit(POINTS_PER_BLOCK)},
           (array_agg(recorded_at order by step))[1],
           min(value), (array_agg(step order by value, step))[1],
           max(value), (array_agg(step order by value desc, step))[1]
    from run_points group by run_id, key, step / ${sql.lit(POINTS_PER_BLOCK)}`.execute(db);
}

async function up(db: Kysely<any>): Promise<void> {
  await createTables(db);
  await backfill(db);
}

async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['run_point_blocks', 'run_points', 'run_metrics']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** Migration `0004-run-metrics`. */
export const runMetricsMigration: Migration = { up, down };
