/**
 * The SQL of an experiment's runs table (experiment-runs.ts): sort values, filters and the
 * keyset condition, over `runs r join instances i`. The same SQL on pg-mem, PGlite and
 * Postgres: no jsonb ordering (pg-mem's differs), no `#>` (pg-mem lacks it).
 */
import { sql, type RawBuilder } from 'kysely';
import { InputError } from '../errors.ts';
import type { ColumnRef, Comparison, RunsCursor, RunsFilter } from './runs-table-query.ts';
import type { DatabaseKind, ServiceContext } from './service-context.ts';

export type SqlType = 'uuid' | 'text' | 'bigint' | 'double precision';

/**
 * The value a sort orders by: its SQL (over `r` runs, `i` instances and, for a metric,
 * `ms` its `run_metrics` row), its type (for the cursor), and for a metric the join that
 * keeps only runs having it and the condition that keeps only runs without it.
 * `numeric`: whether a `config.<path>` column holds numbers (see {@link holdsNumbers}).
 */
export function sortValue(column: ColumnRef, numeric = false, kind: DatabaseKind = 'postgres'): SortValue {
  if (column.kind === 'metric') {
    const expression = sql`ms.value`;
    return {
      ...comparedAs(expression, 'double precision'),
      expression,
      type: 'double precision',
      join: sql`join run_metrics ms on ms.run_id = r.id and ms.key = ${column.key}`,
      present: undefined,
      // Uncorrelated (pg-mem has no correlated subqueries); Postgres hashes it.
      absent: sql`r.id not in (select run_id from run_metrics where key = ${column.key})`,
    };
  }
  const { expression, type } = plainValue(column, numeric);
  const compared = TIMES.includes(column.kind) ? timeCompared(expression, kind) : comparedAs(expression, type);
  if (NEVER_NULL.includes(column.kind)) return { expression, type, ...compared, join: sql``, present: undefined, absent: undefined };
  return { expression, type, ...compared, join: sql``, present: sql`${expression} is not null`, absent: sql`${expression} is null` };
}

const TIMES: readonly ColumnRef['kind'][] = ['createdAt', 'startedAt', 'completedAt'];

/** A value kept in a cursor as its text, and read back with a cast. */
const comparedAs = (expression: RawBuilder<unknown>, type: SqlType) => ({
  cursorText: sql`cast(${expression} as text)`,
  compared: expression,
  at: (text: string) => sql`cast(${text} as ${sql.raw(type)})`,
});

/**
 * A time, ordered as itself (so an index serves it) but kept in a cursor as epoch
 * microseconds (exact on every backend: pg-mem casts no timestamp to text). Postgres
 * compares the column with the time the microseconds make; pg-mem, which has no interval
 * arithmetic, compares the microseconds.
 */
function timeCompared(expression: RawBuilder<unknown>, kind: DatabaseKind) {
  if (kind === 'memory') return { cursorText: sql`cast(${micros(expression)} as text)`, compared: micros(expression), at: (text: string) => sql`cast(${text} as bigint)` };
  return {
    cursorText: sql`cast(${micros(expression)} as text)`,
    compared: expression,
    at: (text: string) => sql`(timestamptz '1970-01-01 00:00:00+00' + cast(${text} as bigint) * interval '1 microsecond')`,
  };
}

/** Columns every run has a value of (no condition needed: pg-mem answers `r.id is not null and (… or …)` with nothing). */
const NEVER_NULL: readonly ColumnRef['kind'][] = ['run', 'instance', 'status', 'createdAt', 'startedAt'];

export interface SortValue {
  /** What the rows are ordered by. */
  expression: RawBuilder<unknown>;
  /** The type of the cursor's value (its text). */
  type: SqlType;
  /** The cursor's value of a row, as text. */
  cursorText: RawBuilder<unknown>;
  /** What a cursor's value is compared with, and the value read back from its text. */
  compared: RawBuilder<unknown>;
  at(text: string): RawBuilder<unknown>;
  /** The join the value needs (a metric's), or nothing. */
  join: RawBuilder<unknown>;
  /** A condition true of the rows having a value (with the join); `undefined` when all have one. */
  present: RawBuilder<unknown> | undefined;
  /** A condition true of the rows without a value; `undefined` when every row has one. */
  absent: RawBuilder<unknown> | undefined;
}

/** Timestamps as epoch microseconds: exact in a cursor on every backend (pg-mem casts no timestamp to text). */
const micros = (expression: RawBuilder<unknown>) => sql`cast(extract(epoch from ${expression}) * 1000000 as bigint)`;

function plainValue(column: Exclude<ColumnRef, { kind: 'metric' }>, numeric: boolean): { expression: RawBuilder<unknown>; type: SqlType } {
  switch (column.kind) {
    case 'run': return { expression: sql`r.id`, type: 'uuid' };
    case 'instance': return { expression: sql`i.name`, type: 'text' };
    case 'status': return { expression: sql`r.status`, type: 'text' };
    case 'createdAt': return { expression: sql`r.created_at`, type: 'bigint' };
    // Indexed (migration 0004): the default sort reads only a page of the index.
    case 'startedAt': return { expression: sql`coalesce(r.started_at, r.created_at)`, type: 'bigint' };
    case 'completedAt': return { expression: sql`r.completed_at`, type: 'bigint' };
    case 'duration':
      return { expression: sql`cast(extract(epoch from r.completed_at) - extract(epoch from r.started_at) as double precision)`, type: 'double precision' };
    case 'config':
      return numeric ? { expression: configNumber(column.path), type: 'double precision' } : { expression: configValue(column.path, true), type: 'text' };
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
export async function holdsNumbers(context: ServiceContext, experiment: string, path: readonly string[]): Promise<boolean> {
  const { rows } = await sql<{ type: string | null }>`
    select jsonb_typeof(${configValue(path)}) as type from runs r join instances i on i.id = r.instance_id
    where i.experiment = ${experiment} and ${configValue(path)} is not null limit 1`.execute(context.database.db);
  return rows[0]?.type === 'number';
}

/**
 * `expression op value`, where numbers within a relative 1e-12 of each other count as equal:
 * a loss stored as 0.9400000000000001 is shown as 0.94, and `metrics.loss<=0.94` must keep it.
 */
function numberCondition(expression: RawBuilder<unknown>, op: Comparison, value: number): RawBuilder<unknown> {
  const slack = Math.abs(value) * 1e-12;
  const [low, high] = [value - slack, value + slack];
  switch (op) {
    case '=': return sql`${expression} between ${low} and ${high}`;
    case '!=': return sql`not (${expression} between ${low} and ${high})`;
    case '<': return sql`${expression} < ${low}`;
    case '<=': return sql`${expression} <= ${high}`;
    case '>': return sql`${expression} > ${high}`;
    case '>=': return sql`${expression} >= ${low}`;
  }
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A filter as a condition on `r` and `i` (a metric's as `r.id in (…)`, so counting needs no join). */
export function filterSql(filter: RunsFilter): RawBuilder<unknown> {
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
      return numberCondition(configNumber(filter.path), filter.op, filter.value);
    }
    case 'metric':
      return sql`r.id in (select run_id from run_metrics where key = ${filter.key} and ${numberCondition(sql`value`, filter.op, filter.value)})`;
  }
}

const CURSOR_VALUE: Record<SqlType, RegExp> = {
  uuid: UUID,
  text: /^/su,
  bigint: /^-?\d{1,19}$/,
  'double precision': /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
};

/** Refuses a cursor whose value is not of its column's type (a cursor made by hand), before SQL would. */
export function checkCursorValue(cursor: RunsCursor | undefined, type: SqlType, text: string | null | undefined): void {
  if (cursor && cursor.value !== null && !CURSOR_VALUE[type].test(cursor.value)) {
    throw new InputError(`cursor ${JSON.stringify(String(text).slice(0, 200))} is not a cursor of this list: pass the \`next\` of the previous page`);
  }
}

/** Rows with a value after the cursor's (a cursor with a value), in the order `value dir, r.id`. */
export function afterCursor(sort: SortValue, direction: 'asc' | 'desc', cursor: RunsCursor & { value: string }): RawBuilder<unknown> {
  const id = sql`cast(${cursor.id} as uuid)`;
  const value = sort.compared;
  const at = sort.at(cursor.value);
  const beyond = direction === 'asc' ? sql`${value} > ${at}` : sql`${value} < ${at}`;
  return sql`(${beyond} or (${value} = ${at} and r.id > ${id}))`;
}

