/**
 * Seeds a Postgres schema (already migrated) with the data of issue 14's figures, in SQL
 * (`generate_series`), so that seeding takes seconds, not the minutes the service would:
 * `instances` instances of `scale_bench` × `runsPerInstance` runs × 105 results (100 of them
 * one `loss` series, 5 other metric keys), and one more run with a `bigSeries`-point `loss`
 * series. Results, points, metrics and blocks are written as the write path would keep them
 * (same steps, same latest values, same block extremes).
 *
 * Exported for the lead's browser figures (dashboard, source pane, runs table in Chromium).
 *
 * @example
 * const seeded = await seedScale(db, { instances: 2000, runsPerInstance: 10 });
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../storage/database-schema.ts';

export interface ScaleOptions {
  instances?: number;
  runsPerInstance?: number;
  /** Points of the one long `loss` series. */
  bigSeries?: number;
}

export interface ScaleSeed {
  experiment: string;
  instances: number;
  runs: number;
  results: number;
  /** The run holding the long series. */
  bigRunId: string;
  bigSeries: number;
  seconds: number;
  /** Milliseconds per seeding step. */
  steps: Record<string, number>;
}

/** The id of the n-th seeded row of a kind, a UUID in n's order (`0000002a-…-4000-8000-00000000002a`). */
const idOf = (prefix: string, n: ReturnType<typeof sql>) =>
  sql`(${sql.lit(prefix)} || lpad(to_hex(${n}), 7, '0') || '-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;

const METRIC_KEYS = ['accuracy', 'f1', 'precision', 'recall', 'latency_ms'];
const BLOCK = 256; // core/experiments/run-metrics.ts POINTS_PER_BLOCK

/** Seeds `db` (a migrated Postgres schema); returns what it holds. */
export async function seedScale(db: Kysely<DatabaseSchema>, options: ScaleOptions = {}): Promise<ScaleSeed> {
  const instances = options.instances ?? 2_000;
  const perInstance = options.runsPerInstance ?? 10;
  const bigSeries = options.bigSeries ?? 1_000_000;
  const runs = instances * perInstance;
  const started = performance.now();
  const bigRunId = '9f000000-0000-4000-8000-000000000000';
  const keys = sql.join(METRIC_KEYS.map((key) => sql.lit(key)));
  const steps: Record<string, number> = {};
  await db.transaction().execute(async (trx) => {
    const run = (query: ReturnType<typeof sql>) => query.execute(trx);
    const timed = async (name: string, query: ReturnType<typeof sql>) => {
      const start = performance.now();
      await run(query);
      steps[name] = Math.round(performance.now() - start);
    };
    // Seeded rows are consistent by construction: skip the per-row foreign key triggers.
    await run(sql`set local session_replication_role = replica`);
    await run(sql`
      insert into instances (id, experiment, name, description, configuration, created_at, updated_at, version)
      select ${idOf('1', sql`i`)}, 'scale_bench', 'scale ' || lpad(i::text, 5, '0'), null,
        jsonb_build_object('lr', 0.0005 * (1 + i % 10), 'model', case when i % 2 = 0 then 'small' else 'large' end,
                           'layers', 1 + i % 8, 'sampling', jsonb_build_object('temperature', (i % 5) / 10.0)),
        timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute', 1
      from generate_series(0, ${instances}) i`);
    await run(sql`insert into instance_versions (instance_id, version, name, description, configuration, created_at)
      select id, 1, name, description, configuration, created_at from instances where experiment = 'scale_bench'`);
    // Run n belongs to instance n / perInstance; the extra instance (number `instances`) holds the long run.
    await run(sql`
      insert into runs (id, instance_id, status, options, created_at, started_at, completed_at, configuration, result_count, instance_version, code_hash)
      select ${idOf('0', sql`n`)}, ${idOf('1', sql`n / ${sql.lit(perInstance)}`)}, case when n % 17 = 0 then 'failed' else 'completed' end, '{}',
        timestamptz '2026-01-02' + n * interval '7 seconds', timestamptz '2026-01-02' + n * interval '7 seconds' + interval '1 second',
        timestamptz '2026-01-02' + n * interval '7 seconds' + (1 + n % 600) * interval '1 second',
        i.configuration, 105, 1, 'seeded'
      from generate_series(0, ${runs - 1}) n join instances i on i.id = ${idOf('1', sql`n / ${sql.lit(perInstance)}`)}`);
    await run(sql`
      insert into runs (id, instance_id, status, options, created_at, started_at, completed_at, configuration, result_count, instance_version, code_hash)
      select ${bigRunId}::uuid, ${idOf('1', sql.lit(instances))}, 'completed', '{}', now(), now(), now(), configuration, ${bigSeries}, 1, 'seeded'
      from instances where id = ${idOf('1', sql.lit(instances))}`);
    // Loss of run n at step s: a decreasing curve, different per run; 5 metrics after it.
    // Each table is written from the same formulas (not read back from run_results): the
    // seeding's time is the inserts', as it would be for the write path.
    const loss = sql`(15 * exp(-s / (20.0 + n % 50)::double precision) + (n % 997) / 1000.0::double precision + 0.01 * sin(s))`;
    const metric = sql`((n * 7919 + k.i * 104729) % 10007) / 10007.0::double precision`;
    const bigLoss = sql`(15 * exp(-s / 150000.0::double precision) + 0.05 * sin(s / 10.0::double precision) + case when s = 777777 then 40 else 0 end)`;
    const at = sql`timestamptz '2026-01-02' + n * interval '7 seconds'`;
    const bigAt = sql`timestamptz '2026-03-01' + s * interval '10 ms'`;
    const runId = idOf('0', sql`n`);
    const allRuns = sql`generate_series(0, ${runs - 1}) n`;
    const metricKeys = sql`unnest(array[${keys}]) with ordinality k(key, i)`;
    // One index built after the rows rather than kept row by row (a bulk load's usual order).
    await run(sql`drop index run_results_run_id_key_seq_idx`);
    await timed('run_results', sql`
      insert into run_results (run_id, seq, key, value, recorded_at)
      select ${runId}, s + 1, 'loss', to_jsonb(${loss}), ${at} + s * interval '10 ms' from ${allRuns}, generate_series(0, 99) s
      union all
      select ${runId}, 101 + k.i, k.key, to_jsonb(${metric}), ${at} + interval '1 second' from ${allRuns}, ${metricKeys}
      union all
      select ${bigRunId}::uuid, s + 1, 'loss', to_jsonb(${bigLoss}), ${bigAt} from generate_series(0, ${bigSeries - 1}) s`);
    await timed('run_results index', sql`create index run_results_run_id_key_seq_idx on run_results (run_id, key, seq)`);
    await timed('run_points', sql`
      insert into run_points (run_id, key, step, value, recorded_at)
      select ${runId}, 'loss', s, ${loss}, ${at} + s * interval '10 ms' from ${allRuns}, generate_series(0, 99) s
      union all
      select ${runId}, k.key, 0, ${metric}, ${at} + interval '1 second' from ${allRuns}, ${metricKeys}
      union all
      select ${bigRunId}::uuid, 'loss', s, ${bigLoss}, ${bigAt} from generate_series(0, ${bigSeries - 1}) s`);
    await timed('run_metrics', sql`
      insert into run_metrics (run_id, key, value, seq, count)
      select ${runId}, 'loss', ${loss}, 100, 100 from ${allRuns}, (values (99)) v(s)
      union all
      select ${runId}, k.key, ${metric}, 100 + k.i, 1 from ${allRuns}, ${metricKeys}
      union all
      select ${bigRunId}::uuid, 'loss', ${bigLoss}, ${bigSeries}, ${bigSeries} from (values (${sql.lit(bigSeries - 1)})) v(s)`);
    // Each block's extremes, the first step on a tie (as the write path keeps them).
    await timed('run_point_blocks', sql`
      insert into run_point_blocks (run_id, key, block, first_at, min_value, min_step, max_value, max_step)
      select run_id, key, b, first_at, lo[1], lo[2]::integer, hi[1], (-hi[2])::integer from (
        select run_id, key, step / ${sql.lit(BLOCK)} as b, min(recorded_at) as first_at,
               min(array[value, step]) as lo, max(array[value, -step]) as hi
        from run_points group by run_id, key, step / ${sql.lit(BLOCK)}) blocks`);
  });
  const analyzing = performance.now();
  await sql`analyze`.execute(db);
  steps.analyze = Math.round(performance.now() - analyzing);
  return {
    steps,
    experiment: 'scale_bench',
    instances: instances + 1,
    runs: runs + 1,
    results: runs * 105 + bigSeries,
    bigRunId,
    bigSeries,
    seconds: (performance.now() - started) / 1000,
  };
}
