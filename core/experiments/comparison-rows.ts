/**
 * The rows of a comparison of runs that need no database: configuration fields side by
 * side (groups flattened as `sampling.top_k`, changed ones first) and metrics with their
 * deltas against a baseline and the best run marked (core/experiments/compare.ts).
 */
import type { Comparison, MetricGoal } from '../records.ts';

const isGroup = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A configuration's fields by flattened path (`sampling.top_k`), in order; lists and scalars are leaves. */
export function flattenConfiguration(configuration: Record<string, unknown>, prefix = '', into = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(configuration)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isGroup(value) && Object.keys(value).length > 0) flattenConfiguration(value, path, into);
    else into.set(path, value);
  }
  return into;
}

/** JSON with object keys sorted: two values read the same when this is equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isGroup(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}

const naturalOrder = new Intl.Collator('en', { numeric: true });

/**
 * One row per field of any run's configuration: its value per run, the runs that have no
 * such field (`absent`, their indexes: older code, an optional field left unset, or no
 * configuration kept; their value is null) and whether the runs differ on it. A run with
 * no configuration at all (null) takes no part in `changed`. Changed rows come first;
 * within each part, fields in `order` (the schema's declaration order) first, then the
 * rest in natural order — never the stored order, which `jsonb` does not keep.
 */
export function configurationRows(configurations: readonly (Record<string, unknown> | null)[], order: readonly string[] = []): Comparison['configuration'] {
  const flat = configurations.map((configuration) => (configuration ? flattenConfiguration(configuration) : null));
  const rank = new Map(order.map((field, i) => [field, i]));
  const fields = [...new Set(flat.flatMap((fields) => [...(fields?.keys() ?? [])]))].sort(
    (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || naturalOrder.compare(a, b) || (a < b ? -1 : 1),
  );
  const rows = fields.map((field) => ({ field, ...sideBySide(flat, field) }));
  return [...rows.filter((row) => row.changed), ...rows.filter((row) => !row.changed)];
}

/**
 * `key`'s value in each of `maps` (null where one has none, or is null itself), the indexes
 * of those without it, and whether they differ (the null maps aside).
 */
function sideBySide(maps: readonly (ReadonlyMap<string, unknown> | null)[], key: string): { values: unknown[]; absent: number[]; changed: boolean } {
  const known = maps.filter((map): map is ReadonlyMap<string, unknown> => map !== null);
  const changed = new Set(known.map((map) => (map.has(key) ? canonical(map.get(key)) : 'absent'))).size > 1;
  const absent = maps.flatMap((map, i) => (map?.has(key) ? [] : [i]));
  return { values: maps.map((map) => (map?.has(key) ? map.get(key) : null)), absent, changed };
}

const isMetric = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

/**
 * One row per result key that is not a number in some run (text, lists, objects, booleans:
 * what the metrics table cannot show), in natural key order: each run's latest value, the
 * runs without the key (`absent`) and whether they differ. `latest`: each run's latest
 * value per key.
 */
export function resultRows(latest: readonly ReadonlyMap<string, unknown>[]): Comparison['results'] {
  const keys = [...new Set(latest.flatMap((values) => [...values].filter(([, value]) => !isMetric(value)).map(([key]) => key)))];
  return keys.sort((a, b) => naturalOrder.compare(a, b) || (a < b ? -1 : 1)).map((key) => ({ key, ...sideBySide(latest, key) }));
}

/** Words that name a quantity where lower is better. */
const LOWER_IS_BETTER = new Set(['loss', 'error', 'err', 'latency', 'time', 'duration', 'mse', 'mae', 'rmse', 'perplexity', 'wer', 'cer']);

/**
 * Whether lower (`min`) or higher (`max`) is better for a metric: lower when a word of
 * its key names a loss, an error, a time or a distance (`val_loss`, `latencyMs`,
 * `test/errors`, `rmse`), else higher. Words, not substrings: `answer` holds "wer" and
 * `power_time`'s second word is "time".
 *
 * @example
 * metricGoal('val_loss') // 'min'
 * metricGoal('accuracy') // 'max'
 */
export function metricGoal(key: string): MetricGoal {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // A plural counts as the word: losses, errors, times.
  const named = (word: string) => [word, word.replace(/s$/, ''), word.replace(/es$/, '')].some((form) => LOWER_IS_BETTER.has(form));
  return words.some(named) ? 'min' : 'max';
}

/** A difference without the float noise of subtraction (0.3 − 0.1 is 0.2, not 0.19999999999999998). */
const delta = (value: number, base: number) => Number((value - base).toPrecision(12));

/**
 * One row per numeric result key of any run, in natural key order: the latest value per
 * run (null where it has none), its delta against the baseline's, the goal, and the index
 * of the best run (the first on a tie; null when no run has the key).
 */
export function metricRows(metrics: readonly Readonly<Record<string, number>>[], baseline: number): Comparison['metrics'] {
  const keys = [...new Set(metrics.flatMap((values) => Object.keys(values)))].sort((a, b) => naturalOrder.compare(a, b) || (a < b ? -1 : 1));
  return keys.map((key) => {
    const values = metrics.map((values) => (Object.hasOwn(values, key) ? values[key]! : null));
    const base = values[baseline] ?? null;
    const goal = metricGoal(key);
    let best: number | null = null;
    values.forEach((value, i) => {
      if (value === null) return;
      const current = best === null ? null : values[best]!;
      if (current === null || (goal === 'min' ? value < current : value > current)) best = i;
    });
    return { key, values, deltas: values.map((value) => (value === null || base === null ? null : delta(value, base))), goal, best };
  });
}
