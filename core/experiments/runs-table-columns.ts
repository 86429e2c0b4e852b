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
 * Reads the columns of `experiment`'s runs: distinct configurations (runs of one instance
 * version share theirs, so there are far fewer than runs) flattened here, metric keys in SQL.
 */
export async function runsTableColumns(database: DatabaseHandle, experiment: string): Promise<RunsTablePage['columns']> {
  const [configurations, metrics] = await Promise.all([
    sql<{ configuration: unknown }>`
      select distinct r.configuration from runs r join instances i on i.id = r.instance_id
      where i.experiment = ${experiment} and r.configuration is not null`.execute(database.db),
    sql<{ key: string }>`
      select distinct m.key from run_metrics m join runs r on r.id = m.run_id join instances i on i.id = r.instance_id
      where i.experiment = ${experiment} order by m.key`.execute(database.db),
  ]);
  const paths = new Set<string>();
  for (const row of configurations.rows) collectPaths(row.configuration, '', paths);
  return { configuration: [...paths].sort(), metrics: metrics.rows.map((row) => row.key) };
}
