/**
 * A run's metrics and series: what its numeric results add to `run_metrics`, `run_points`
 * and `run_point_blocks` (migration 0004), kept by the one write path of results, a batch
 * at a time, in the batch's own transaction.
 *
 * A result is a point when its value is a finite JSON number. Its step is its 0-based
 * index among the numeric values of its key in that run. Steps are numbered from per-key
 * counters (`run_metrics.count`), read once per batch under the run row's lock (the
 * service's `appendResults`) or once per writer and carried from batch to batch (the run
 * kernel's writer, whose batches overlap): never by counting rows.
 *
 * A batch is stored in two parts, so that the writer can overlap batches:
 * {@link insertResultBatch} (plain inserts, any order) and {@link settleResultBatch}
 * (upserts of each key's latest value and block extremes, which must run in batch order:
 * two overlapping batches upserting one row in the wrong order would wait on each other).
 */
import type { NewRunMetricRow, NewRunPointBlockRow, NewRunPointRow, NewRunResultRow } from '../../storage/database-schema.ts';
import { insertPointRows, insertResultRows } from '../../storage/bulk-insert.ts';
import { sql } from 'kysely';
import { InputError } from '../errors.ts';
import { checkId, type DatabaseHandle, type ServiceContext } from './service-context.ts';

/** Steps per `run_point_blocks` row (as migration 0004's backfill). */
export const POINTS_PER_BLOCK = 256;

/** Numeric values so far per result key: the step each key's next point takes. */
export type SeriesCounters = Map<string, number>;

/** A result as the write path has it: its value as JSON text. */
export interface SeriesEntry {
  key: string;
  value: string;
  recordedAt: Date;
}

/** What one batch of results adds to its run's series (sequence numbers relative to the batch). */
export interface SeriesBatch {
  points: { key: string; step: number; value: number; recordedAt: Date }[];
  /** Per key, its last numeric value in the batch: `index` in the batch, `count` after it. */
  metrics: { key: string; value: number; index: number; count: number }[];
  blocks: { key: string; block: number; firstAt: Date; min: number; minStep: number; max: number; maxStep: number }[];
}

// The text JSON.stringify gives a number starts with a digit or a minus sign; nothing else does.
const NUMBER_START = /^-?\d/;

/** The finite number a JSON text holds, or `undefined` when it holds anything else. */
export function numberOf(json: string): number | undefined {
  if (!NUMBER_START.test(json)) return undefined;
  const value = Number(json);
  return Number.isFinite(value) ? value : undefined;
}

type Block = SeriesBatch['blocks'][number];

/** Numbers the batch's points from `counters` (and moves them on); pure but for the map. */
export function deriveSeriesBatch(entries: readonly SeriesEntry[], counters: SeriesCounters): SeriesBatch {
  const batch: SeriesBatch = { points: [], metrics: [], blocks: [] };
  const latest = new Map<string, SeriesBatch['metrics'][number]>();
  const blocks = new Map<string, Block>();
  entries.forEach((entry, index) => {
    const value = numberOf(entry.value);
    if (value === undefined) return;
    const step = counters.get(entry.key) ?? 0;
    counters.set(entry.key, step + 1);
    batch.points.push({ key: entry.key, step, value, recordedAt: entry.recordedAt });
    latest.set(entry.key, { key: entry.key, value, index, count: step + 1 });
    const block = Math.floor(step / POINTS_PER_BLOCK);
    const id = `${block}\0${entry.key}`;
    const known = blocks.get(id);
    if (!known) {
      blocks.set(id, { key: entry.key, block, firstAt: entry.recordedAt, min: value, minStep: step, max: value, maxStep: step });
      return;
    }
    // Strictly lower or higher: a tie keeps the first step holding the value.
    if (value < known.min) Object.assign(known, { min: value, minStep: step });
    if (value > known.max) Object.assign(known, { max: value, maxStep: step });
  });
  batch.metrics = [...latest.values()];
  batch.blocks = [...blocks.values()];
  return batch;
}

/** The counters of `keys` (every key when omitted) of a run, from `run_metrics`. */
export async function readSeriesCounters(database: DatabaseHandle, runId: string, keys?: readonly string[]): Promise<SeriesCounters> {
  const counters: SeriesCounters = new Map();
  if (keys !== undefined && keys.length === 0) return counters;
  for (const chunk of keys === undefined ? [undefined] : chunks([...new Set(keys)], 1_000)) {
    const rows = await database.db
      .selectFrom('run_metrics')
      .select(['key', 'count'])
      .where('run_id', '=', runId)
      .$if(chunk !== undefined, (q) => q.where('key', 'in', chunk!))
      .execute();
    for (const row of rows) counters.set(row.key, Number(row.count));
  }
  return counters;
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** The first part of storing a batch: its result rows and its points, one batch insert each. */
export async function insertResultBatch(
  database: DatabaseHandle,
  runId: string,
  rows: readonly NewRunResultRow[],
  series: SeriesBatch,
): Promise<void> {
  await insertResultRows(database, rows);
  const points = series.points.map(({ key, step, value, recordedAt }): NewRunPointRow => ({ run_id: runId, key, step, value, recorded_at: recordedAt }));
  await insertPointRows(database, points);
}

/**
 * The second part, in batch order: each key's latest value and count, and the extremes of
 * the blocks the batch touched (merged with what earlier batches kept; a tie keeps the
 * earlier step). `firstSeq` is the batch's first sequence number.
 */
export async function settleResultBatch(database: DatabaseHandle, runId: string, series: SeriesBatch, firstSeq: number): Promise<void> {
  const metrics = series.metrics.map(({ key, value, index, count }): NewRunMetricRow => ({ run_id: runId, key, value, seq: firstSeq + index, count }));
  for (const chunk of chunks(metrics, 1_000)) {
    await database.db
      .insertInto('run_metrics')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['run_id', 'key']).doUpdateSet({
          value: (eb) => eb.ref('excluded.value'),
          seq: (eb) => eb.ref('excluded.seq'),
          count: (eb) => eb.ref('excluded.count'),
        }),
      )
      .execute();
  }
  const blocks = series.blocks.map(
    (b): NewRunPointBlockRow => ({
      run_id: runId,
      key: b.key,
      block: b.block,
      first_at: b.firstAt,
      min_value: b.min,
      min_step: b.minStep,
      max_value: b.max,
      max_step: b.maxStep,
    }),
  );
  for (const chunk of chunks(blocks, 1_000)) {
    await database.db
      .insertInto('run_point_blocks')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['run_id', 'key', 'block']).doUpdateSet({
          min_step: sql`case when excluded.min_value < run_point_blocks.min_value then excluded.min_step else run_point_blocks.min_step end`,
          min_value: sql`least(run_point_blocks.min_value, excluded.min_value)`,
          max_step: sql`case when excluded.max_value > run_point_blocks.max_value then excluded.max_step else run_point_blocks.max_step end`,
          max_value: sql`greatest(run_point_blocks.max_value, excluded.max_value)`,
        }),
      )
      .execute();
  }
}

/**
 * Numbers the batches of one writer, in the order they are given: the run's counters are
 * read once (at the first batch), then each batch moves them on. Returns each batch's
 * series as a promise, so a batch can be numbered before the one before it is stored.
 */
export function seriesNumbering(load: () => Promise<SeriesCounters>): (entries: readonly SeriesEntry[]) => Promise<SeriesBatch> {
  let counters: Promise<SeriesCounters> | undefined;
  // `then` callbacks of one promise run in the order they were added: batches number in order.
  return (entries) => (counters ??= load()).then((map) => deriveSeriesBatch(entries, map));
}

/**
 * The latest numeric value of each result key of each run (only `keys` when given): every
 * run asked for has an entry, empty when it has no metric (or is unknown).
 *
 * @example
 * const metrics = await service.latestMetrics([a.id, b.id], ['loss']);
 * metrics.get(a.id); // { loss: 0.12 }
 */
export async function latestMetrics(
  context: ServiceContext,
  runIds: readonly string[],
  keys?: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  if (!Array.isArray(runIds)) throw new InputError('runIds must be a list of run ids');
  if (keys !== undefined && (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string'))) {
    throw new InputError('keys must be a list of result keys');
  }
  const ids = runIds.map((id) => checkId(id, 'run'));
  const found = new Map<string, Record<string, number>>(ids.map((id) => [id, {}]));
  if (keys !== undefined && keys.length === 0) return found;
  for (const chunk of chunks([...found.keys()], 1_000)) {
    const rows = await context.database.db
      .selectFrom('run_metrics')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', chunk)
      .$if(keys !== undefined, (q) => q.where('key', 'in', [...new Set(keys)]))
      .orderBy('run_id')
      .orderBy('key')
      .execute();
    for (const row of rows) found.get(row.run_id)![row.key] = Number(row.value);
  }
  return found;
}
