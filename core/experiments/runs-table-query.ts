/**
 * The language of an experiment's runs table (`GET /api/experiments/:name/runs`): its
 * columns, `sort`, `filter` and `columns` parameters, parsed and checked once here for
 * every caller (HTTP, CLI, MCP), each refusal naming the part and the rule.
 *
 * - A column: `run | instance | status | createdAt | startedAt | completedAt | duration`,
 *   `config.<path>` (groups flattened with `.`, `config.sampling.top_k`) or
 *   `metrics.<key>` (the latest numeric value of a result key; the key may hold dots).
 * - `sort`: `COLUMN[:asc|:desc]` (default `startedAt:desc`; `startedAt` is the creation
 *   time of a run not started yet).
 * - `filter` (all must hold): `status=completed|failed`, `instance=<id or name>|…`,
 *   `config.<path>=v1|v2` (a value reads as JSON when it is a number, boolean or null, and
 *   matches the text too), `config.<path><op>NUM`, `metrics.<key><op>NUM`, op among
 *   `= != < <= > >=`. A run without the value fails a comparison (`!=` aside).
 */
import { InputError } from '../errors.ts';
import { didYouMean } from '../experiment/closest-name.ts';
import { RUN_STATUSES, type RunStatus } from '../records.ts';

export type ColumnRef =
  | { kind: 'run' | 'instance' | 'status' | 'createdAt' | 'startedAt' | 'completedAt' | 'duration' }
  | { kind: 'config'; path: string[] }
  | { kind: 'metric'; key: string };

export type Direction = 'asc' | 'desc';

export interface RunsSort {
  /** As written, without its direction: the cursor remembers it. */
  name: string;
  column: ColumnRef;
  direction: Direction;
}

export type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type RunsFilter =
  | { kind: 'status'; negate: boolean; values: RunStatus[] }
  | { kind: 'instance'; negate: boolean; values: string[] }
  | { kind: 'config-in'; path: string[]; negate: boolean; values: unknown[] }
  | { kind: 'config-compare'; path: string[]; op: Comparison; value: number }
  | { kind: 'metric'; key: string; op: Comparison; value: number };

const FIXED_COLUMNS = ['run', 'instance', 'status', 'createdAt', 'startedAt', 'completedAt', 'duration'] as const;
const COMPARISONS: readonly Comparison[] = ['=', '!=', '<', '<=', '>', '>='];
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const MAX_PARAM_LENGTH = 1_000;

const refuse = (message: string) => new InputError(message);
const shown = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** A configuration path: `a.b.c`, no empty part. */
function configPath(text: string, what: string): string[] {
  const path = text.split('.');
  if (path.some((part) => part === '')) throw refuse(`${what}: ${shown(`config.${text}`)} is not a configuration path (config.<field> or config.<group>.<field>)`);
  return path;
}

/** Parses a column name; `what` names the parameter for the message. */
export function parseColumn(name: string, what = 'column'): ColumnRef {
  if ((FIXED_COLUMNS as readonly string[]).includes(name)) return { kind: name as (typeof FIXED_COLUMNS)[number] };
  if (name.startsWith('config.')) return { kind: 'config', path: configPath(name.slice('config.'.length), what) };
  if (name.startsWith('metrics.') && name.length > 'metrics.'.length) return { kind: 'metric', key: name.slice('metrics.'.length) };
  throw refuse(`${what}: unknown column ${shown(name)}; columns are ${FIXED_COLUMNS.join(', ')}, config.<path> and metrics.<key>`);
}

/** Parses `sort` (`COLUMN[:asc|:desc]`); the default is `startedAt:desc`. */
export function parseSort(text: string | null | undefined): RunsSort {
  if (text === undefined || text === null || text === '') return { name: 'startedAt', column: { kind: 'startedAt' }, direction: 'desc' };
  if (typeof text !== 'string' || text.length > MAX_PARAM_LENGTH) throw refuse(`sort must be COLUMN or COLUMN:asc or COLUMN:desc, got ${JSON.stringify(text)}`);
  const found = /^(.*):(asc|desc)$/.exec(text);
  const name = found ? found[1]! : text;
  // A key may hold colons, but `…:up`, `…:DESC` or `…:desc:asc` is a mistyped direction.
  if (/:(asc|desc|ascending|descending|up|down)$/i.test(name)) {
    throw refuse(`sort ${shown(text)}: the direction must be asc or desc, once (COLUMN, COLUMN:asc or COLUMN:desc)`);
  }
  return { name, column: parseColumn(name, `sort ${shown(text)}`), direction: (found?.[2] as Direction | undefined) ?? 'asc' };
}

function numberIn(text: string, filter: string): number {
  const value = NUMBER.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw refuse(`filter ${shown(filter)}: the value must be a number, got ${shown(text)}`);
  return value;
}

/** `v1|v2`: each value as JSON when it reads as a number, boolean or null (it matches its text too). */
function configValues(text: string): unknown[] {
  const values: unknown[] = [];
  for (const part of text.split('|')) {
    values.push(part);
    if (NUMBER.test(part) && Number.isFinite(Number(part))) values.push(Number(part));
    else if (part === 'true' || part === 'false') values.push(part === 'true');
    else if (part === 'null') values.push(null);
  }
  return values;
}

function parseStatusOrInstance(kind: 'status' | 'instance', text: string, filter: string): RunsFilter {
  const found = /^(!=|=)(.*)$/s.exec(text);
  if (!found || found[2] === '') throw refuse(`filter ${shown(filter)}: write ${kind}=VALUE or ${kind}!=VALUE (several as A|B)`);
  const values = found[2]!.split('|');
  const negate = found[1] === '!=';
  if (kind === 'instance') return { kind, negate, values };
  for (const value of values) {
    if (!RUN_STATUSES.includes(value as RunStatus)) throw refuse(`filter ${shown(filter)}: status must be among ${RUN_STATUSES.join(', ')}, got ${shown(value)}`);
  }
  return { kind, negate, values: values as RunStatus[] };
}

function parseConfigFilter(text: string, filter: string): RunsFilter {
  const found = /^([^=!<>]+)(!=|<=|>=|=|<|>)(.*)$/s.exec(text);
  if (!found) throw refuse(`filter ${shown(filter)}: write config.<path>=A|B or config.<path><op>NUMBER (op among ${COMPARISONS.join(' ')})`);
  const path = configPath(found[1]!, `filter ${shown(filter)}`);
  const op = found[2] as Comparison;
  if (op === '=' || op === '!=') {
    if (found[3] === '') throw refuse(`filter ${shown(filter)}: give the value after ${op}`);
    return { kind: 'config-in', path, negate: op === '!=', values: configValues(found[3]!) };
  }
  return { kind: 'config-compare', path, op, value: numberIn(found[3]!, filter) };
}

function parseMetricFilter(text: string, filter: string): RunsFilter {
  // The key may hold any character: the operator is the first after which a number ends the filter.
  const found = /^(.+?)(!=|<=|>=|=|<|>)([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$/s.exec(text);
  if (!found) {
    throw refuse(`filter ${shown(filter)}: write metrics.<key><op>NUMBER with op among ${COMPARISONS.join(' ')}`);
  }
  return { kind: 'metric', key: found[1]!, op: found[2] as Comparison, value: numberIn(found[3]!, filter) };
}

/** Parses one `filter` parameter. */
export function parseFilter(filter: string): RunsFilter {
  if (typeof filter !== 'string' || filter === '' || filter.length > MAX_PARAM_LENGTH) {
    throw refuse(`filter must be text such as status=completed or metrics.loss<0.5, got ${JSON.stringify(filter)}`);
  }
  for (const kind of ['status', 'instance'] as const) {
    if (filter.startsWith(kind) && /^[=!]/.test(filter.slice(kind.length))) return parseStatusOrInstance(kind, filter.slice(kind.length), filter);
  }
  if (filter.startsWith('config.')) return parseConfigFilter(filter.slice('config.'.length), filter);
  if (filter.startsWith('metrics.')) return parseMetricFilter(filter.slice('metrics.'.length), filter);
  throw refuse(`filter ${shown(filter)}: a filter starts with status, instance, config.<path> or metrics.<key>, then an operator and a value`);
}

/** The configuration paths and metric keys of `columns` (the others are always shown). */
export interface ColumnChoice {
  config: string[][];
  metrics: string[];
}

/** Parses `columns` (names, or one comma-separated text); `undefined` shows every column. */
export function parseColumns(columns: readonly string[] | string | null | undefined): ColumnChoice | undefined {
  if (columns === undefined || columns === null) return undefined;
  const names = typeof columns === 'string' ? (columns === '' ? [] : columns.split(',')) : columns;
  if (!Array.isArray(names)) throw refuse('columns must be a list of column names');
  const choice: ColumnChoice = { config: [], metrics: [] };
  for (const name of names) {
    if (typeof name !== 'string') throw refuse(`columns: a column name must be text, got ${JSON.stringify(name)}`);
    const column = parseColumn(name, 'columns');
    if (column.kind === 'config') choice.config.push(column.path);
    else if (column.kind === 'metric') choice.metrics.push(column.key);
  }
  return choice;
}

/**
 * Refuses a `config.` path or `metrics.` key in `sort`, `filters` or `columns` that no run of
 * the experiment has (a typo would otherwise answer an empty or unsorted page), naming the
 * closest known one. An experiment without runs has no columns yet: nothing to check against.
 */
export function checkKnownColumns(
  known: { configuration: readonly string[]; metrics: readonly string[] },
  used: { sort: RunsSort; filters: readonly RunsFilter[]; choice: ColumnChoice | undefined },
): void {
  if (known.configuration.length === 0 && known.metrics.length === 0) return;
  const configs = new Set(known.configuration);
  const metrics = new Set(known.metrics);
  const check = (where: string, kind: 'config' | 'metric', name: string) => {
    const [set, prefix, list] = kind === 'config' ? [configs, 'config.', known.configuration] : [metrics, 'metrics.', known.metrics];
    if (set.has(name)) return;
    const shownList = list.length > 20 ? `${list.slice(0, 20).map((n) => prefix + n).join(', ')}, …` : list.map((n) => prefix + n).join(', ') || 'none';
    throw refuse(`${where}: no run of this experiment has ${shown(prefix + name)}${didYouMean(prefix + name, list.map((n) => prefix + n))} (known: ${shownList})`);
  };
  const { sort, filters, choice } = used;
  if (sort.column.kind === 'config') check(`sort ${shown(sort.name)}`, 'config', sort.column.path.join('.'));
  if (sort.column.kind === 'metric') check(`sort ${shown(sort.name)}`, 'metric', sort.column.key);
  for (const filter of filters) {
    if (filter.kind === 'config-in' || filter.kind === 'config-compare') check('filter', 'config', filter.path.join('.'));
    if (filter.kind === 'metric') check('filter', 'metric', filter.key);
  }
  for (const path of choice?.config ?? []) check('columns', 'config', path.join('.'));
  for (const key of choice?.metrics ?? []) check('columns', 'metric', key);
}

/** The position after which a page starts: the sort value (as text) and id of the last row shown. */
export interface RunsCursor {
  sort: string;
  value: string | null;
  id: string;
}

export function encodeCursor(cursor: RunsCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

/** Decodes a cursor given back by a client; it must belong to the same sort. */
export function decodeCursor(text: string | null | undefined, sort: RunsSort): RunsCursor | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(String(text), 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    Array.isArray(parsed) && parsed.length === 3 && typeof parsed[0] === 'string' &&
    (parsed[1] === null || typeof parsed[1] === 'string') && typeof parsed[2] === 'string' &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(parsed[2]);
  if (!valid) throw refuse(`cursor ${shown(String(text))} is not a cursor of this list: pass the \`next\` of the previous page`);
  const [sortName, value, id] = parsed as [string, string | null, string];
  const expected = `${sort.name}:${sort.direction}`;
  if (sortName !== expected) throw refuse(`cursor belongs to the sort ${shown(sortName)}, not ${shown(expected)}: start again without a cursor`);
  return { sort: sortName, value, id };
}
