/**
 * The series part of a comparison: every result key with two or more numeric values in
 * some compared run (`run_metrics.count`, one query for all the runs), each run's series
 * of it read as the series endpoint reads it (`readSeries`: downsampled in SQL to at most
 * `points` points, deterministically, each bucket's extremes and both ends kept).
 */
import type { Comparison } from '../records.ts';
import { readSeries } from './result-series.ts';
import type { ServiceContext } from './service-context.ts';

const naturalOrder = new Intl.Collator('en', { numeric: true });

/** One entry per series key (natural order), with every run in order (total 0 where a run has no number of it). */
export async function compareSeries(context: ServiceContext, runIds: readonly string[], points: number): Promise<Comparison['series']> {
  const rows = await context.database.db.selectFrom('run_metrics').select(['run_id', 'key', 'count']).where('run_id', 'in', runIds).execute();
  const counts = new Map<string, Map<string, number>>();
  for (const row of rows) {
    let byRun = counts.get(row.key);
    if (!byRun) counts.set(row.key, (byRun = new Map()));
    byRun.set(row.run_id, Number(row.count));
  }
  const keys = [...counts].filter(([, byRun]) => [...byRun.values()].some((count) => count >= 2)).map(([key]) => key);
  keys.sort((a, b) => naturalOrder.compare(a, b) || (a < b ? -1 : 1));
  const series: Comparison['series'] = [];
  for (const key of keys) {
    const runs: Comparison['series'][number]['runs'] = [];
    for (const run of runIds) {
      if (!counts.get(key)!.has(run)) runs.push({ run, total: 0, points: [] });
      else {
        const { total, points: read } = await readSeries(context, run, { key, points });
        runs.push({ run, total, points: read });
      }
    }
    series.push({ key, runs });
  }
  return series;
}
