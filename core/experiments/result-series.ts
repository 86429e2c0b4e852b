/**
 * A result key's numeric series, downsampled on the server for charts
 * (`GET /api/runs/:id/results/series`).
 *
 * Downsampling is deterministic and keeps extremes: the series is cut into B buckets
 * (B = ⌊(points − 2) / 2⌋) by step (or by time with `x: 'time'`); each bucket gives its
 * lowest and its highest point (the first step holding it on a tie), and the first and
 * last points are always kept, so at most `points` points come back, in order.
 *
 * Design note — where the buckets come from. Bucketing every point in SQL reads the whole
 * series: 1,000,000 points took 240–470 ms on Postgres 15 here. A long series is instead
 * bucketed from `run_point_blocks` (the extremes of each 256 steps, kept by the write
 * path): a bucket is then made of whole blocks, the 3,907 blocks of 1,000,000 points take
 * a few ms. Points are read one by one only for short series (fewer blocks than half the
 * buckets: under ~64,000 points at 1,000), where it costs little. Either way the bucketing
 * is SQL that pg-mem also runs, and the points chosen are then read by their steps.
 */
import { sql, type RawBuilder } from 'kysely';
import { InputError, NotFoundError } from '../errors.ts';
import type { ResultSeries } from '../records.ts';
import { POINTS_PER_BLOCK } from './run-metrics.ts';
import { checkId, type DatabaseHandle, type ServiceContext } from './service-context.ts';

/** Points a series answers with: default, least and most. */
export const SERIES_POINTS = Object.freeze({ default: 1_000, min: 2, max: 10_000 });

export type SeriesAxis = 'step' | 'time';

export interface ReadSeriesOptions {
  /** The result key. */
  key: string;
  /** At most this many points (default 1,000, 2 to 10,000). */
  points?: number;
  /** The first element of each point: the step (default) or when it was recorded (ms since the epoch). */
  x?: SeriesAxis;
}

interface PointRow {
  step: number;
  value: number;
  recorded_at: Date;
}

function checkOptions(options: ReadSeriesOptions): { key: string; points: number; x: SeriesAxis } {
  const { key, points = SERIES_POINTS.default, x = 'step' } = options ?? ({} as ReadSeriesOptions);
  if (typeof key !== 'string' || key === '') throw new InputError(`key must name a result key, got ${JSON.stringify(key ?? null)}`);
  if (!Number.isInteger(points) || points < SERIES_POINTS.min || points > SERIES_POINTS.max) {
    throw new InputError(`points must be an integer from ${SERIES_POINTS.min} to ${SERIES_POINTS.max}, got ${JSON.stringify(points)}`);
  }
  if (x !== 'step' && x !== 'time') throw new InputError(`x must be "step" or "time", got ${JSON.stringify(x)}`);
  return { key, points, x };
}

/** Why a series has no row in `run_metrics`: no such run (404), no such key (404), or no number yet. */
async function explainMissing(database: DatabaseHandle, runId: string, key: string): Promise<ResultSeries> {
  const run = await database.db.selectFrom('runs').select('id').where('id', '=', runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  const result = await database.db.selectFrom('run_results').select('seq').where('run_id', '=', runId).where('key', '=', key).limit(1).executeTakeFirst();
  if (!result) throw new NotFoundError(`run ${runId} has no result "${key}"`);
  return { key, total: 0, lastSeq: 0, points: [] }; // the key holds no number (yet)
}

const epochMs = (column: string) => sql`(extract(epoch from ${sql.ref(column)}) * 1000)::bigint`;

/**
 * Reads points by step (the chosen ones), or all of them before step `total`: points are
 * stored before their count, so a read stops where the count it answers with does.
 */
async function readPoints(database: DatabaseHandle, runId: string, key: string, which: { steps: number[] } | { total: number }): Promise<PointRow[]> {
  return database.db
    .selectFrom('run_points')
    .select(['step', 'value', 'recorded_at'])
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .$if('steps' in which, (q) => q.where('step', 'in', (which as { steps: number[] }).steps))
    .$if('total' in which, (q) => q.where('step', '<', (which as { total: number }).total))
    .orderBy('step')
    .execute();
}

interface Bucketing {
  /** The bucket of a source row, as SQL over the source's columns. */
  bucketOf: (position: RawBuilder<unknown>, count: number, time: RawBuilder<unknown>) => RawBuilder<unknown>;
}

/** Step buckets: position × B / count; time buckets: (t − t0) × B / span, clamped. */
async function bucketing(database: DatabaseHandle, runId: string, key: string, total: number, buckets: number, x: SeriesAxis): Promise<Bucketing> {
  if (x === 'step') return { bucketOf: (position, count) => sql`(${position}::bigint * ${sql.lit(buckets)}) / ${sql.lit(count)}` };
  const ends = await readPoints(database, runId, key, { steps: [0, total - 1] });
  const t0 = ends[0]!.recorded_at.getTime();
  const span = Math.max(1, (ends[ends.length - 1]!.recorded_at.getTime() - t0) + 1);
  return {
    bucketOf: (_position, _count, time) =>
      sql`least(greatest(((${time} - ${sql.lit(t0)}) * ${sql.lit(buckets)}) / ${sql.lit(span)}, 0), ${sql.lit(buckets - 1)})`,
  };
}

/** The steps of each bucket's lowest and highest point (first step on a tie). */
async function extremeSteps(database: DatabaseHandle, runId: string, key: string, total: number, buckets: number, x: SeriesAxis): Promise<number[]> {
  const blocks = Math.ceil(total / POINTS_PER_BLOCK);
  const fromBlocks = blocks * 2 >= buckets;
  const { bucketOf } = await bucketing(database, runId, key, total, fromBlocks ? Math.min(buckets, blocks) : buckets, x);
  const source = fromBlocks
    ? sql`select ${bucketOf(sql.ref('block'), blocks, epochMs('first_at'))} as b, min_value as lo, min_step as lo_step, max_value as hi, max_step as hi_step
          from run_point_blocks where run_id = ${runId} and key = ${key}`
    : sql`select ${bucketOf(sql.ref('step'), total, epochMs('recorded_at'))} as b, value as lo, step as lo_step, value as hi, step as hi_step
          from run_points where run_id = ${runId} and key = ${key}`;
  // `min(case …)` rather than `filter (where …)`: pg-mem ignores a FILTER here.
  const { rows } = await sql<{ lo_step: number; hi_step: number }>`
    with src as (${source}), agg as (select b, min(lo) as lo, max(hi) as hi from src group by b)
    select min(case when src.lo = agg.lo then src.lo_step end)::integer as lo_step,
           min(case when src.hi = agg.hi then src.hi_step end)::integer as hi_step
    from src join agg on agg.b = src.b group by agg.b`.execute(database.db);
  return rows.flatMap((row) => [Number(row.lo_step), Number(row.hi_step)]);
}

/**
 * A run's numeric series of `key`, at most `points` points. Throws NotFoundError for an
 * unknown run or a key the run never recorded; a key with no numeric value yet has none.
 *
 * @example
 * const { total, points } = await service.readSeries(runId, { key: 'loss', points: 500 });
 */
export async function readSeries(context: ServiceContext, runId: string, options: ReadSeriesOptions): Promise<ResultSeries> {
  const id = checkId(runId, 'run');
  const { key, points, x } = checkOptions(options);
  const { database } = context;
  const metric = await database.db.selectFrom('run_metrics').select(['count', 'seq']).where('run_id', '=', id).where('key', '=', key).executeTakeFirst();
  if (!metric) return explainMissing(database, id, key);
  const total = Number(metric.count);
  let rows: PointRow[];
  if (total <= points) {
    rows = await readPoints(database, id, key, { total });
  } else {
    const buckets = Math.floor((points - 2) / 2);
    // Extremes of blocks a later batch has grown may lie past `total`: not in this read.
    const extremes = buckets > 0 ? (await extremeSteps(database, id, key, total, buckets, x)).filter((step) => step < total) : [];
    rows = await readPoints(database, id, key, { steps: [...new Set([0, total - 1, ...extremes])] });
  }
  const shown = rows.map((row): [number, number, number] => [x === 'time' ? row.recorded_at.getTime() : row.step, Number(row.value), row.step]);
  if (x === 'time') shown.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  return { key, total, lastSeq: Number(metric.seq), points: shown.map(([at, value]) => [at, value]) };
}
