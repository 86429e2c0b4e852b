/**
 * The series part of a comparison: every result key with two or more numeric values in
 * some compared run, each run's series of it downsampled to at most `points` points.
 *
 * Read from `run_results`, a run at a time, and downsampled here: the series is cut into
 * ⌊(points − 2) / 2⌋ buckets by step, each giving its lowest and highest point (the first
 * on a tie), the first and last points always kept — deterministic, extremes kept, the
 * same rule as the series endpoint. (Once the runs' points are kept apart from their
 * results, this reads them from there.)
 */
import type { Comparison } from '../records.ts';
import type { ServiceContext } from './service-context.ts';

type Point = [number, number];

/** At most `points` of `series` (indexed by step), keeping each bucket's extremes and both ends. */
export function downsample(series: readonly number[], points: number): Point[] {
  if (series.length <= points) return series.map((value, step) => [step, value]);
  const buckets = Math.max(0, Math.floor((points - 2) / 2));
  const steps = new Set([0, series.length - 1]);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * series.length) / buckets);
    const end = Math.floor(((b + 1) * series.length) / buckets);
    let lo = start;
    let hi = start;
    for (let step = start + 1; step < end; step++) {
      if (series[step]! < series[lo]!) lo = step;
      if (series[step]! > series[hi]!) hi = step;
    }
    steps.add(lo).add(hi);
  }
  return [...steps].sort((a, b) => a - b).map((step) => [step, series[step]!]);
}

/** The numeric values of each result key of a run, in order. */
async function numericSeries(context: ServiceContext, runId: string): Promise<Map<string, number[]>> {
  const rows = await context.database.db.selectFrom('run_results').select(['key', 'value']).where('run_id', '=', runId).orderBy('seq').execute();
  const series = new Map<string, number[]>();
  for (const { key, value } of rows) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    let values = series.get(key);
    if (!values) series.set(key, (values = []));
    values.push(value);
  }
  return series;
}

const naturalOrder = new Intl.Collator('en', { numeric: true });

/** One entry per series key (natural order), with every run in order (total 0 where a run has none of it). */
export async function compareSeries(context: ServiceContext, runIds: readonly string[], points: number): Promise<Comparison['series']> {
  const perRun: Map<string, number[]>[] = [];
  for (const id of runIds) perRun.push(await numericSeries(context, id));
  const keys = [...new Set(perRun.flatMap((series) => [...series].filter(([, values]) => values.length >= 2).map(([key]) => key)))];
  keys.sort((a, b) => naturalOrder.compare(a, b) || (a < b ? -1 : 1));
  return keys.map((key) => ({
    key,
    runs: runIds.map((run, i) => {
      const values = perRun[i]!.get(key) ?? [];
      return { run, total: values.length, points: downsample(values, points) };
    }),
  }));
}
