/**
 * A comparison of 2 to 20 runs (`GET /api/compare`): their configurations field by field,
 * their latest metrics with deltas against a baseline and the best marked, their other
 * results (text, lists, objects) side by side, their numeric
 * series overlaid, and the diffs of their code against the baseline's.
 *
 * Runs are given as people give them: full ids or unique prefixes of 8+ characters, in the
 * order they are to be shown. Every per-run array of the answer is in that order.
 */
import { InputError, NotFoundError } from '../errors.ts';
import { sweepableFields } from '../experiment/sweep-grid.ts';
import type { ComparedRun, Comparison } from '../records.ts';
import { compareCode } from './compare-code.ts';
import { compareSeries } from './compare-series.ts';
import { SERIES_POINTS } from './result-series.ts';
import { configurationRows, metricRows, resultRows } from './comparison-rows.ts';
import { latestMetrics } from './run-metrics.ts';
import { iso, isoOrNull } from './row-mappers.ts';
import { latestResultValues } from './run-data.ts';
import { resolveRunId } from './run-ids.ts';
import type { ServiceContext } from './service-context.ts';

/** How many runs one comparison takes. */
export const COMPARE_RUNS = Object.freeze({ min: 2, max: 20 });
/** Points per series and run: default, least and most (those of the series endpoint). */
export const COMPARE_POINTS = SERIES_POINTS;

export interface CompareOptions {
  /** The run the deltas and code diffs are against (an id or prefix among the runs); default the one that started first. */
  baseline?: string;
  /** At most this many points per series and run (default 1,000, 2 to 10,000). */
  points?: number;
}

/** The full ids of `given` (ids or prefixes), in order: 404 naming every unknown one, 400 for one given twice. */
async function resolveRuns(context: ServiceContext, given: unknown): Promise<string[]> {
  if (!Array.isArray(given) || given.some((id) => typeof id !== 'string')) throw new InputError('runs must be a list of run ids');
  if (given.length < COMPARE_RUNS.min || given.length > COMPARE_RUNS.max) {
    throw new InputError(`a comparison takes ${COMPARE_RUNS.min} to ${COMPARE_RUNS.max} runs, got ${given.length}`);
  }
  // Each resolved (or undefined when nothing has the prefix), then looked up at once: every unknown one is named.
  const resolved: (string | undefined)[] = [];
  for (const id of given as string[]) {
    resolved.push(await resolveRunId(context, id).catch((error) => (error instanceof NotFoundError ? undefined : Promise.reject(error))));
  }
  const ids = resolved.filter((id): id is string => id !== undefined);
  const found = new Set(ids.length === 0 ? [] : (await context.database.db.selectFrom('runs').select('id').where('id', 'in', ids).execute()).map((row) => row.id));
  const missing = (given as string[]).filter((_, i) => resolved[i] === undefined || !found.has(resolved[i]!));
  if (missing.length > 0) throw new NotFoundError(`${missing.length === 1 ? 'run' : 'runs'} not found: ${missing.map((id) => JSON.stringify(id)).join(', ')}`);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new InputError(`run ${twice} is given twice: a comparison shows each run once`);
  return ids;
}

/** The compared runs with their instances, in the order of `ids`; a run not yet started shows the configuration it will run with. */
async function comparedRuns(context: ServiceContext, ids: readonly string[]): Promise<ComparedRun[]> {
  const rows = await context.database.db
    .selectFrom('runs as r')
    .innerJoin('instances as i', 'i.id', 'r.instance_id')
    .leftJoin('instance_versions as v', (join) => join.onRef('v.instance_id', '=', 'r.instance_id').onRef('v.version', '=', 'r.instance_version'))
    .select([
      'r.id',
      'r.instance_id',
      'r.status',
      'r.error',
      'r.started_at',
      'r.completed_at',
      'r.code_hash',
      'r.configuration',
      'i.name as instance_name',
      'i.experiment',
      'i.configuration as instance_configuration',
      'v.configuration as version_configuration',
    ])
    .where('r.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw new NotFoundError(`run ${id} not found`); // deleted since it was resolved
    return {
      id: row.id,
      instanceId: row.instance_id,
      instanceName: row.instance_name,
      experiment: row.experiment,
      status: row.status,
      error: row.error,
      startedAt: isoOrNull(row.started_at),
      completedAt: row.completed_at === null ? null : iso(row.completed_at),
      codeHash: row.code_hash,
      configuration: (row.configuration ?? row.version_configuration ?? row.instance_configuration ?? null) as Record<string, unknown> | null,
    };
  });
}

/** The experiment's fields in declaration order, when its definition loads (else none: natural order). */
function schemaOrder(context: ServiceContext, experiment: string): string[] {
  const definition = context.definitions(experiment);
  return definition && !(definition instanceof Error) ? sweepableFields(definition.schema).map((field) => field.path) : [];
}

/**
 * The default baseline: the run that started first (one not started yet counts as the
 * newest; ties go to the one given first). A runs table lists the newest first, so the
 * first given would be the latest experiment, not the one the others are changes of.
 */
function oldestRun(runs: readonly ComparedRun[]): number {
  let oldest = 0;
  const started = (run: ComparedRun) => (run.startedAt === null ? Infinity : Date.parse(run.startedAt));
  runs.forEach((run, i) => {
    if (started(run) < started(runs[oldest]!)) oldest = i;
  });
  return oldest;
}

function checkPoints(points: unknown): number {
  if (points === undefined) return COMPARE_POINTS.default;
  if (!Number.isInteger(points) || (points as number) < COMPARE_POINTS.min || (points as number) > COMPARE_POINTS.max) {
    throw new InputError(`points must be an integer from ${COMPARE_POINTS.min} to ${COMPARE_POINTS.max}, got ${JSON.stringify(points)}`);
  }
  return points as number;
}

/**
 * Compares runs (2 to 20, ids or unique prefixes). Throws InputError (400) for a count out
 * of range, a run given twice, a baseline that is not among them or bad points;
 * NotFoundError (404) naming every unknown run; AmbiguousIdError (409) for a prefix of
 * several runs.
 *
 * @example
 * const comparison = await service.compareRuns(['3063c6fc', '9a1b2c3d'], { points: 200 });
 * comparison.metrics.find((row) => row.key === 'loss')?.best; // the index of the lowest loss
 */
export async function compareRuns(context: ServiceContext, runIds: readonly string[], options: CompareOptions = {}): Promise<Comparison> {
  const points = checkPoints(options.points);
  const ids = await resolveRuns(context, runIds);
  let baseline = -1;
  if (options.baseline !== undefined && options.baseline !== '') {
    const id = await resolveRunId(context, options.baseline).catch((error) => {
      throw error instanceof NotFoundError ? new InputError(`baseline ${options.baseline} is not one of the compared runs`) : error;
    });
    baseline = ids.indexOf(id);
    if (baseline === -1) throw new InputError(`baseline ${options.baseline} is not one of the compared runs`);
  }
  const runs = await comparedRuns(context, ids);
  if (baseline === -1) baseline = oldestRun(runs);
  const metrics = await latestMetrics(context, ids);
  const latest = await latestResultValues(context, ids);
  return {
    runs,
    baseline: ids[baseline]!,
    configuration: configurationRows(runs.map((run) => run.configuration), schemaOrder(context, runs[baseline]!.experiment)),
    metrics: metricRows(ids.map((id) => metrics.get(id) ?? {}), baseline),
    results: resultRows(ids.map((id) => latest.get(id)!)),
    series: await compareSeries(context, ids, points),
    code: await compareCode(context, runs, baseline),
  };
}
