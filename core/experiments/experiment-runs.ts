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
  decodeCursor, encodeCursor, parseColumns, parseFilter, parseSort,
  type ColumnChoice, type ColumnRef, type RunsCursor, type RunsFilter, type RunsSort,
} from './runs-table-query.ts';
import { runsTableColumns } from './runs-table-columns.ts';
import type { ServiceContext } from './service-context.ts';

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

type SqlType = 'uuid' | 'text' | 'bigint' | 'double precision';

/** The SQL of a column's value and its type, with the metric joins it needs. */
class QueryParts {
  readonly joins: RawBuilder<unknown>[] = [];
  readonly #metricAliases = new Map<string, string>();

  metric(key: string): RawBuilder<unknown> {
    let alias = this.#metricAliases.get(key);
    if (!alias) {
      alias = `m${this.#metricAliases.size}`;
      this.#metricAliases.set(key, alias);
      this.joins.push(sql`left join run_metrics ${sql.raw(alias)} on ${sql.raw(alias)}.run_id = r.id and ${sql.raw(alias)}.key = ${key}`);
    }
    return sql.raw(`${alias}.value`);
  }

  /** `numeric`: whether a `config.<path>` column holds numbers (see {@link holdsNumbers}). */
  value(column: ColumnRef, numeric = false): { expression: RawBuilder<unknown>; type: SqlType } {
    const micros = (expression: RawBuilder<unknown>) => sql`cast(extract(epoch from ${expression}) * 1000000 as bigint)`;
    switch (column.kind) {
      case 'run': return { expression: sql`r.id`, type: 'uuid' };
      case 'instance': return { expression: sql`i.name`, type: 'text' };
      case 'status': return { expression: sql`r.status`, type: 'text' };
      case 'createdAt': return { expression: micros(sql`r.created_at`), type: 'bigint' };
      case 'startedAt': return { expression: micros(sql`coalesce(r.started_at, r.created_at)`), type: 'bigint' };
      case 'completedAt': return { expression: micros(sql`r.completed_at`), type: 'bigint' };
      case 'duration':
        return { expression: sql`cast(extract(epoch from r.completed_at) - extract(epoch from r.started_at) as double precision)`, type: 'double precision' };
      case 'config':
        return numeric ? { expression: configNumber(column.path), type: 'double precision' } : { expression: configValue(column.path, true), type: 'text' };
      case 'metric': return { expression: this.metric(column.key), type: 'double precision' };
    }
  }
}

/** `r.configuration -> 'a' -> 'b'` (jsonb), or with `->>` last (text). */
function configValue(path: readonly string[], asText = false): RawBuilder<unknown> {
  let expression: RawBuilder<unknown> = sql`r.configuration`;
  path.forEach((part, i) => {
    expression = asText && i === path.length - 1 ? sql`${expression} ->> ${part}` : sql`${expression} -> ${part}`;
  });
  return expression;
}

/** A configuration value as a number, null when it is not one (the cast is guarded: text never reaches it). */
const configNumber = (path: readonly string[]) =>
  sql`case when jsonb_typeof(${configValue(path)}) = 'number' then cast(${configValue(path, true)} as double precision) end`;

/**
 * Whether a configuration path holds numbers in the experiment's runs (its first value
 * says): numbers sort as numbers, anything else by its text. Not jsonb's own order, which
 * pg-mem does not keep, and which would put every text before every number.
 */
async function holdsNumbers(context: ServiceContext, experiment: string, path: readonly string[]): Promise<boolean> {
  const { rows } = await sql<{ type: string | null }>`
    select jsonb_typeof(${configValue(path)}) as type from runs r join instances i on i.id = r.instance_id
    where i.experiment = ${experiment} and ${configValue(path)} is not null limit 1`.execute(context.database.db);
  return rows[0]?.type === 'number';
}

const OPERATORS = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterSql(filter: RunsFilter, parts: QueryParts): RawBuilder<unknown> {
  const not = (negate: boolean, condition: RawBuilder<unknown>) => (negate ? sql`not (${condition})` : condition);
  switch (filter.kind) {
    case 'status':
      return not(filter.negate, sql`r.status in (${sql.join(filter.values)})`);
    case 'instance': {
      const ids = filter.values.filter((value) => UUID.test(value)).map((value) => value.toLowerCase());
      const byId = ids.length ? sql` or r.instance_id in (${sql.join(ids.map((id) => sql`cast(${id} as uuid)`))})` : sql``;
      return not(filter.negate, sql`(i.name in (${sql.join(filter.values)})${byId})`);
    }
    case 'config-in': {
      const value = configValue(filter.path);
      const values = sql.join(filter.values.map((v) => sql`cast(${JSON.stringify(v)} as jsonb)`));
      return filter.negate ? sql`(${value} is null or not (${value} in (${values})))` : sql`${value} in (${values})`;
    }
    case 'config-compare': {
      return sql`${configNumber(filter.path)} ${sql.raw(OPERATORS[filter.op])} ${filter.value}`;
    }
    case 'metric':
      return sql`${parts.metric(filter.key)} ${sql.raw(OPERATORS[filter.op])} ${filter.value}`;
  }
}

const CURSOR_VALUE: Record<SqlType, RegExp> = {
  uuid: UUID,
  text: /^/su,
  bigint: /^-?\d{1,19}$/,
  'double precision': /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
};

/** Refuses a cursor whose value is not of its column's type (a cursor made by hand), before SQL would. */
function checkCursorValue(cursor: RunsCursor | undefined, type: SqlType, text: string | null | undefined): void {
  if (cursor && cursor.value !== null && !CURSOR_VALUE[type].test(cursor.value)) {
    throw new InputError(`cursor ${JSON.stringify(String(text).slice(0, 200))} is not a cursor of this list: pass the \`next\` of the previous page`);
  }
}

/** Rows after the cursor in the order `value dir nulls last, r.id`. */
function afterCursor(value: RawBuilder<unknown>, type: SqlType, direction: 'asc' | 'desc', cursor: RunsCursor): RawBuilder<unknown> {
  const id = sql`cast(${cursor.id} as uuid)`;
  if (cursor.value === null) return sql`(${value} is null and r.id > ${id})`;
  const at = sql`cast(${cursor.value} as ${sql.raw(type)})`;
  const beyond = direction === 'asc' ? sql`${value} > ${at}` : sql`${value} < ${at}`;
  return sql`(${beyond} or (${value} = ${at} and r.id > ${id}) or ${value} is null)`;
}

interface RunRowOut {
  id: string;
  instance_id: string;
  instance_name: string;
  status: RunStatus;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  configuration: unknown;
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
  if (!Number.isInteger(limit) || limit < 1 || limit > RUNS_PAGE.max) throw new InputError(`limit must be 1 to ${RUNS_PAGE.max}, got ${JSON.stringify(limit)}`);
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
  };
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

  const parts = new QueryParts();
  const numeric = sort.column.kind === 'config' && (await holdsNumbers(context, name, sort.column.path));
  const { expression, type } = parts.value(sort.column, numeric);
  checkCursorValue(cursor, type, options.cursor);
  const conditions = [sql`i.experiment = ${name}`, ...filters.map((filter) => filterSql(filter, parts))];
  const from = sql`from runs r join instances i on i.id = r.instance_id ${sql.join(parts.joins, sql` `)}`;
  const where = sql.join(conditions, sql` and `);
  const pageWhere = cursor ? sql`${where} and ${afterCursor(expression, type, sort.direction, cursor)}` : where;
  const order = sql`order by ${expression} ${sql.raw(sort.direction)} nulls last, r.id asc`;

  const [items, count, columns] = await Promise.all([
    sql<RunRowOut>`
      select r.id, r.instance_id, i.name as instance_name, r.status, r.created_at, r.started_at, r.completed_at, r.configuration,
             cast(${expression} as text) as sort_value
      ${from} where ${pageWhere} ${order} limit ${limit + 1}`.execute(db),
    sql<{ n: number | string }>`select count(*) as n ${from} where ${where}`.execute(db),
    runsTableColumns(context.database, name),
  ]);
  const rows = items.rows.slice(0, limit);
  const metrics = await latestMetrics(context, rows.map((row) => row.id), choice?.metrics);
  const last = rows[rows.length - 1];
  const next =
    items.rows.length > limit && last
      ? encodeCursor({ sort: `${sort.name}:${sort.direction}`, value: last.sort_value === null ? null : String(last.sort_value), id: last.id })
      : null;
  return {
    items: rows.map((row) => toRow(row, metrics.get(row.id) ?? {}, choice)),
    next,
    total: Number(count.rows[0]?.n ?? 0),
    columns,
  };
}
