/**
 * An experiment's runs table: every run of every instance of the experiment, sorted,
 * filtered and paged in SQL (keyset: a page starts after the last row of the one before,
 * so page 400 costs what page 1 does), with the rows' latest metrics, the count of rows
 * the filters match, and the columns a table can offer.
 *
 * Sorting by a metric joins `run_metrics` on `(run_id, key)`; the `(key, value, run_id)`
 * index serves it. Rows without the sort value come last whatever the direction; ties go
 * by run id. Timestamps sort as epoch microseconds (integers), so a cursor holds them
 * exactly on every backend.
 */
import { sql, type RawBuilder } from 'kysely';
import { NotFoundError, InputError } from '../errors.ts';
import type { RunStatus, RunsTablePage, RunsTableRow } from '../records.ts';
import { latestMetrics } from './run-metrics.ts';
import {
  checkKnownColumns, decodeCursor, encodeCursor, parseColumns, parseFilter, parseSort,
  type ColumnChoice, type RunsCursor, type RunsSort,
} from './runs-table-query.ts';
import { runsTableColumns } from './runs-table-columns.ts';
import { afterCursor, checkCursorValue, filterSql, holdsNumbers, sortValue, type SortValue } from './runs-table-sql.ts';
import type { DatabaseHandle, ServiceContext } from './service-context.ts';

export interface ListExperimentRunsOptions {
  /** `COLUMN[:asc|:desc]`, default `startedAt:desc`. */
  sort?: string | null;
  /** Filters that must all hold (runs-table-query.ts). */
  filters?: readonly string[];
  /** The `config.<path>` and `metrics.<key>` columns the rows carry (default all). */
  columns?: readonly string[] | string | null;
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string | null;
}

export const RUNS_PAGE = Object.freeze({ default: 50, max: 500 });

interface RunRowOut {
  id: string;
  instance_id: string;
  instance_name: string;
  status: RunStatus;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  configuration: unknown;
  worker: string | null;
  sort_value: string | number | null;
}

/** Throws NotFoundError unless the experiment is loaded or has instances. */
async function checkExperiment(context: ServiceContext, experiment: unknown): Promise<string> {
  if (typeof experiment !== 'string' || experiment === '') throw new InputError(`experiment must be an experiment's name, got ${JSON.stringify(experiment)}`);
  if (context.definitions(experiment) !== undefined) return experiment;
  const any = await context.database.db.selectFrom('instances').select('id').where('experiment', '=', experiment).limit(1).executeTakeFirst();
  if (!any) throw new NotFoundError(`unknown experiment "${experiment}"`);
  return experiment;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return RUNS_PAGE.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > RUNS_PAGE.max) throw new InputError(`limit must be a whole number from 1 to ${RUNS_PAGE.max}, got ${JSON.stringify(limit)}`);
  return limit;
}

/** Only the chosen paths of a configuration (nested as they are). */
function pickConfiguration(configuration: unknown, paths: readonly string[][]): Record<string, unknown> | null {
  if (configuration === null || typeof configuration !== 'object') return null;
  const picked: Record<string, unknown> = {};
  for (const path of paths) {
    let source: unknown = configuration;
    for (const part of path) source = source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[part] : undefined;
    if (source === undefined) continue;
    let target = picked;
    path.slice(0, -1).forEach((part) => (target = (target[part] ??= {}) as Record<string, unknown>));
    target[path[path.length - 1]!] = source;
  }
  return picked;
}

function toRow(row: RunRowOut, metrics: Record<string, number>, choice: ColumnChoice | undefined): RunsTableRow {
  const configuration = choice ? pickConfiguration(row.configuration, choice.config) : ((row.configuration ?? null) as Record<string, unknown> | null);
  return {
    id: row.id,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: row.started_at ? new Date(row.started_at).toISOString() : null,
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
    configuration: row.configuration === null || row.configuration === undefined ? null : configuration,
    metrics,
    worker: row.worker ?? null,
  };
}

const SELECTED = sql`r.id, r.instance_id, i.name as instance_name, r.status, r.created_at, r.started_at, r.completed_at, r.configuration, r.worker`;

interface PageQuery {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
  value: SortValue;
  direction: 'asc' | 'desc';
  cursor: RunsCursor | undefined;
  take: number;
}

/**
 * The page's rows in two parts: the runs having the sort value, in its order (for a metric,
 * walked along the `(key, value, run_id)` index: a few ms whatever the number of runs),
 * then, if the page is not full, the runs without it, by id.
 */
async function readPage(db: DatabaseHandle['db'], query: PageQuery): Promise<RunRowOut[]> {
  const { from, where, value, direction, cursor, take } = query;
  const rows: RunRowOut[] = [];
  if (!cursor || cursor.value !== null) {
    const conditions = [where];
    if (value.present) conditions.push(value.present);
    if (cursor) conditions.push(afterCursor(value, direction, cursor as RunsCursor & { value: string }));
    const { rows: having } = await sql<RunRowOut>`
      select ${SELECTED}, ${value.cursorText} as sort_value ${from} ${value.join}
      where ${sql.join(conditions, sql` and `)}
      order by ${value.expression} ${sql.raw(direction)}, r.id asc limit ${take}`.execute(db);
    rows.push(...having);
  }
  if (rows.length < take && value.absent) {
    const after = cursor?.value === null ? sql` and r.id > cast(${cursor.id} as uuid)` : sql``;
    const { rows: without } = await sql<RunRowOut>`
      select ${SELECTED}, null as sort_value ${from}
      where ${where} and ${value.absent}${after} order by r.id asc limit ${take - rows.length}`.execute(db);
    rows.push(...without);
  }
  return rows;
}

/**
 * A page of the runs of every instance of `experiment`.
 *
 * @example
 * const page = await service.listExperimentRuns('my_experiment', { sort: 'metrics.loss:asc', filters: ['status=completed'], limit: 20 });
 * const next = await service.listExperimentRuns('my_experiment', { sort: 'metrics.loss:asc', filters: ['status=completed'], cursor: page.next });
 */
export async function listExperimentRuns(context: ServiceContext, experiment: string, options: ListExperimentRunsOptions = {}): Promise<RunsTablePage> {
  const sort: RunsSort = parseSort(options.sort);
  if (options.filters !== undefined && !Array.isArray(options.filters)) throw new InputError('filters must be a list of filters');
  const filters = (options.filters ?? []).map(parseFilter);
  const choice = parseColumns(options.columns);
  const limit = checkLimit(options.limit);
  const cursor = decodeCursor(options.cursor, sort);
  const name = await checkExperiment(context, experiment);
  const { db } = context.database;

  const numeric = sort.column.kind === 'config' && (await holdsNumbers(context, name, sort.column.path));
  const value = sortValue(sort.column, numeric, context.database.kind);
  checkCursorValue(cursor, value.type, options.cursor);
  const where = sql.join([sql`i.experiment = ${name}`, ...filters.map(filterSql)], sql` and `);
  const from = sql`from runs r join instances i on i.id = r.instance_id`;

  const [page, count, columns] = await Promise.all([
    readPage(db, { from, where, value, direction: sort.direction, cursor, take: limit + 1 }),
    sql<{ n: number | string }>`select count(*) as n ${from} where ${where}`.execute(db),
    runsTableColumns(context.database, name),
  ]);
  checkKnownColumns(columns, { sort, filters, choice });
  const rows = page.slice(0, limit);
  const metrics = await latestMetrics(context, rows.map((row) => row.id), choice?.metrics);
  const last = rows[rows.length - 1];
  const next =
    page.length > limit && last
      ? encodeCursor({ sort: `${sort.name}:${sort.direction}`, value: last.sort_value === null ? null : String(last.sort_value), id: last.id })
      : null;
  return {
    items: rows.map((row) => toRow(row, metrics.get(row.id) ?? {}, choice)),
    next,
    total: Number(count.rows[0]?.n ?? 0),
    columns,
  };
}
