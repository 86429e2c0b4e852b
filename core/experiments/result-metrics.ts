/**
 * The latest numeric value of each result key of some runs: the metrics that lists of
 * instances, the CLI's sweep table and comparisons show.
 *
 * Read from `run_results` with one latest-per-key query (`DISTINCT ON (run_id, key)`, from
 * the `(run_id, key, seq)` index), chunked so a long list of runs stays within a
 * statement's parameters. A key whose latest value is not a number is left out.
 */
import type { ServiceContext } from './service-context.ts';

/** Runs per statement: far below Postgres' 65,535 parameters, and a plan that stays on the index. */
const CHUNK = 500;

/** Run id → key → its latest numeric value, for each of `runIds` that has any (only `keys` when given). */
export async function latestNumericMetrics(
  context: ServiceContext,
  runIds: readonly string[],
  keys?: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const metrics = new Map<string, Record<string, number>>();
  if (keys !== undefined && keys.length === 0) return metrics;
  const unique = [...new Set(runIds)];
  for (let start = 0; start < unique.length; start += CHUNK) {
    const rows = await context.database.db
      .selectFrom('run_results')
      .select(['run_id', 'key', 'value'])
      .distinctOn(['run_id', 'key'])
      .where('run_id', 'in', unique.slice(start, start + CHUNK))
      .$if(keys !== undefined, (q) => q.where('key', 'in', keys!))
      .orderBy('run_id')
      .orderBy('key')
      .orderBy('seq', 'desc')
      .execute();
    for (const row of rows) {
      if (typeof row.value !== 'number' || !Number.isFinite(row.value)) continue;
      let entry = metrics.get(row.run_id);
      if (!entry) metrics.set(row.run_id, (entry = {}));
      entry[row.key] = row.value;
    }
  }
  return metrics;
}

/** Keys that count rather than measure (`step`, `epoch_3`): a headline shows them last. */
const COUNTER = /^(step|steps|epoch|epochs|iter|iteration|iterations|batch|index|i)([_\-. ]?\d+)?$/i;

const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The few metrics a list shows for a run: measures before counters, then keys in natural
 * order (`acc_2` before `acc_10`), at most `count` of them.
 *
 * @example
 * headlineMetrics({ step: 100, loss: 0.2, accuracy: 0.9, lr: 0.001 }) // { accuracy: 0.9, loss: 0.2, lr: 0.001 }
 */
export function headlineMetrics(metrics: Readonly<Record<string, number>>, count = 3): Record<string, number> {
  const keys = Object.keys(metrics).sort((a, b) => Number(COUNTER.test(a)) - Number(COUNTER.test(b)) || naturalOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.slice(0, count).map((key) => [key, metrics[key]!]));
}
