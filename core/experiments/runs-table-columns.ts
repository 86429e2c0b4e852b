/**
 * The columns an experiment's runs table can offer: every configuration path (groups
 * flattened, `sampling.top_k`; a list is one column) and every metric key its runs have.
 */
import { sql } from 'kysely';
import type { RunsTablePage } from '../records.ts';
import type { DatabaseHandle } from './service-context.ts';

/** Adds the leaf paths of `value` under `prefix` to `paths`. */
function collectPaths(value: unknown, prefix: string, paths: Set<string>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (prefix) paths.add(prefix);
    return;
  }
  for (const [key, item] of Object.entries(value)) collectPaths(item, prefix ? `${prefix}.${key}` : key, paths);
}

/**
 * The metric keys of an experiment's runs. On Postgres and PGlite: the distinct keys of
 * `run_metrics` by a loose scan of its `(key, value, run_id)` index, each kept when one run
 * of the experiment has it (one index probe per key: ~1 ms for 20,000 runs, where a
 * `select distinct` over their 120,000 metrics took 100–200 ms). pg-mem has no recursive
 * CTE nor LATERAL: the plain query there.
 */
function metricKeys(database: DatabaseHandle, experiment: string) {
  if (database.kind === 'memory') {
    return sql<{ key: string }>`
      select distinct m.key from run_metrics m join runs r on r.id = m.run_id join instances i on i.id = r.instance_id
      where i.experiment = ${experiment} order by m.key`.execute(database.db);
  }
  return sql<{ key: string }>`
    with recursive keys(key) as (
      select min(key) from run_metrics
      union all
      select (select min(key) from run_metrics where key > keys.key) from keys where keys.key is not null)
    select keys.key from keys cross join lateral (
      select 1 from run_metrics m join runs r on r.id = m.run_id join instances i on i.id = r.instance_id
      where m.key = keys.key and i.experiment = ${experiment} order by m.value limit 1) found
    where keys.key is not null order by keys.key`.execute(database.db);
}

/** Configuration paths per experiment, with the state of its runs they were read at. */
const pathCaches = new WeakMap<object, Map<string, { state: string; paths: string[] }>>();

/**
 * The configuration paths of an experiment's runs. Reading them means reading every run's
 * configuration (60–80 ms for 20,000 runs on a loaded Postgres), so they are kept per
 * experiment with the state they were read at: how many runs have a configuration and
 * the latest start. A run's configuration is set once (when it starts, or when a rerun is
 * created) and never changed, so any change to the set of configurations changes that
 * state, which one indexed aggregate reads; other processes' writes are seen the same way.
 */
async function configurationPaths(database: DatabaseHandle, experiment: string): Promise<string[]> {
  const { rows } = await sql<{ configured: number | string; newest: Date | null; created: Date | null }>`
    select count(r.configuration) as configured, max(r.started_at) as newest, max(r.created_at) as created
    from runs r join instances i on i.id = r.instance_id where i.experiment = ${experiment}`.execute(database.db);
  const row = rows[0];
  const state = `${Number(row?.configured ?? 0)}:${row?.newest ? new Date(row.newest).getTime() : ''}:${row?.created ? new Date(row.created).getTime() : ''}`;
  let cache = pathCaches.get(database.db);
  if (!cache) pathCaches.set(database.db, (cache = new Map()));
  const cached = cache.get(experiment);
  if (cached?.state === state) return cached.paths;
  const configurations = await sql<{ configuration: unknown }>`
    select distinct r.configuration from runs r join instances i on i.id = r.instance_id
    where i.experiment = ${experiment} and r.configuration is not null`.execute(database.db);
  const paths = new Set<string>();
  for (const config of configurations.rows) collectPaths(config.configuration, '', paths);
  const sorted = [...paths].sort();
  cache.set(experiment, { state, paths: sorted });
  return sorted;
}

/** Reads the columns of `experiment`'s runs: configuration paths and metric keys. */
export async function runsTableColumns(database: DatabaseHandle, experiment: string): Promise<RunsTablePage['columns']> {
  const [configuration, metrics] = await Promise.all([configurationPaths(database, experiment), metricKeys(database, experiment)]);
  return { configuration, metrics: metrics.rows.map((row) => row.key) };
}
