/**
 * The runs table's state as a URL query, so a reload or a shared link shows the same table:
 * `sort=metrics.loss:asc`, one `filter=` per filter in the API's syntax
 * (`status=completed|failed`, `instance=baseline`, `config.model=small|large`,
 * `metrics.loss<=0.2`), `columns=run,status,config.lr,metrics.loss` (absent: every column).
 * The sort and filters go to `GET /api/experiments/:name/runs` as they are.
 */
import { RUN_STATUSES, type RunStatus } from '../../../core/records.ts';

export type SortDirection = 'asc' | 'desc';

export interface RunsSort {
  column: string;
  direction: SortDirection;
}

export interface RunsTableState {
  /** Null: the server's order (newest started first). */
  sort: RunsSort | null;
  /** Each in the API's filter syntax. */
  filters: string[];
  /** The columns shown, in the order of the table; null: all of them. */
  columns: string[] | null;
}

export const EMPTY_STATE: RunsTableState = Object.freeze({ sort: null, filters: [], columns: null }) as RunsTableState;

/** Reads the state from a query (`?sort=…&filter=…`); parts it cannot read are left out. */
export function parseTableState(search: string | URLSearchParams): RunsTableState {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const sort = parseSort(params.get('sort') ?? '');
  const filters = params.getAll('filter').filter((f) => parseFilter(f) !== undefined);
  const columns = params.has('columns') ? (params.get('columns') ?? '').split(',').filter(Boolean) : null;
  return { sort, filters, columns };
}

/** The query for a state (no `?`; '' for the defaults), its parts always in one order. */
export function formatTableState(state: RunsTableState): string {
  const params = new URLSearchParams();
  if (state.sort) params.set('sort', formatSort(state.sort));
  for (const filter of state.filters) params.append('filter', filter);
  if (state.columns) params.set('columns', state.columns.join(','));
  return params.toString();
}

/** `metrics.loss:asc` → the sort; a column alone sorts ascending. */
export function parseSort(text: string): RunsSort | null {
  const match = /^(.+?)(?::(asc|desc))?$/.exec(text.trim());
  if (!match) return null;
  return { column: match[1]!, direction: (match[2] as SortDirection | undefined) ?? 'asc' };
}

export const formatSort = (sort: RunsSort): string => `${sort.column}:${sort.direction}`;

/** A header clicked: the column ascending, or, when it already is, descending (and back). */
export function nextSort(current: RunsSort | null, column: string): RunsSort {
  if (current?.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { column, direction: 'asc' };
}

// ─── Filters ─────────────────────────────────────────────────────────────────────────

export const FILTER_OPERATORS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface ParsedFilter {
  /** `status`, `instance`, `config.<path>` or `metrics.<key>`. */
  column: string;
  operator: FilterOperator;
  value: string;
}

const FILTER = /^(status|instance|config\.[^=!<>]+|metrics\.[^=!<>]+)(!=|<=|>=|=|<|>)(.*)$/s;

/** Reads one filter; undefined when it is not in the syntax above. */
export function parseFilter(text: string): ParsedFilter | undefined {
  const match = FILTER.exec(text);
  if (!match) return undefined;
  return { column: match[1]!, operator: match[2] as FilterOperator, value: match[3]! };
}

export const formatFilter = (filter: ParsedFilter): string => `${filter.column}${filter.operator}${filter.value}`;

const SYMBOLS: Record<FilterOperator, string> = { '=': '=', '!=': '≠', '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/** How a filter reads in its chip: `loss ≥ 0.1`, `status is completed or failed`. */
export function describeFilter(text: string): string {
  const filter = parseFilter(text);
  if (!filter) return text;
  const name = filter.column.replace(/^(config|metrics)\./, '');
  const values = filter.value.split('|');
  // A sweep's instances (ids, one per combination): how many, not a chip of hundreds of characters.
  if (filter.operator === '=' && values.length > 4) return `${name} is one of ${values.length}: ${values.slice(0, 2).map((v) => (/^[0-9a-f-]{36}$/i.test(v) ? v.slice(0, 8) : v)).join(', ')}, …`;
  if (filter.operator === '=' && values.length > 1) return `${name} is ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  if (filter.operator === '=' && (filter.column === 'status' || filter.column === 'instance')) return `${name} is ${filter.value}`;
  return `${name} ${SYMBOLS[filter.operator]} ${filter.value}`;
}

/** The statuses the `status=` filter keeps (none: no such filter). */
export function statusesOf(filters: readonly string[]): RunStatus[] {
  const filter = filters.map(parseFilter).find((f) => f?.column === 'status' && f.operator === '=');
  return filter ? (filter.value.split('|').filter((s) => RUN_STATUSES.includes(s as RunStatus)) as RunStatus[]) : [];
}

/** The filters with the status filter set to `statuses` (none, or all five: no status filter). */
export function withStatuses(filters: readonly string[], statuses: readonly RunStatus[]): string[] {
  const others = filters.filter((f) => parseFilter(f)?.column !== 'status');
  if (statuses.length === 0 || statuses.length === RUN_STATUSES.length) return others;
  const ordered = RUN_STATUSES.filter((s) => statuses.includes(s));
  return [...others, `status=${ordered.join('|')}`];
}

/** The instance filter's value ('' when none). */
export function instanceOf(filters: readonly string[]): string {
  return filters.map(parseFilter).find((f) => f?.column === 'instance')?.value ?? '';
}

export function withInstance(filters: readonly string[], instance: string): string[] {
  const others = filters.filter((f) => parseFilter(f)?.column !== 'instance');
  return instance.trim() ? [...others, `instance=${instance.trim()}`] : others;
}

/**
 * A metric range as filters: `metrics.loss>=min` and `metrics.loss<=max` (either may be
 * blank), replacing the metric's earlier bounds.
 */
export function withMetricRange(filters: readonly string[], key: string, min: string, max: string): string[] {
  const column = `metrics.${key}`;
  const others = filters.filter((f) => {
    const parsed = parseFilter(f);
    return !(parsed?.column === column && (parsed.operator === '>=' || parsed.operator === '<='));
  });
  const bounds = [...(min.trim() ? [`${column}>=${min.trim()}`] : []), ...(max.trim() ? [`${column}<=${max.trim()}`] : [])];
  return [...others, ...bounds];
}

/** A finite number as a filter reads it ('1e-3', '-2', '.5'); undefined for anything else. */
export function filterNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}
