/**
 * A typed client for the workbench's HTTP API (DESIGN.md). Every element takes the API
 * base as an attribute, so one page can talk to any workbench; the default is the page's
 * own origin.
 *
 * @example
 * const api = apiClient('http://127.0.0.1:4000');
 * const run = await api.startRun(instanceId);
 */
import type { Instance, InstanceVersion, LogEntry, LogLevel, Page, ResultEntry, Run, RunStatus, WorkbenchHealth } from '../../core/records.ts';
import type { InstancePage, InstanceSort, LatestRun, NewSweep, SweepResult } from '../../core/records.ts';
import type { CodeSnapshot, RunDetail, RunEnvironment, SnapshotFile } from '../../core/records.ts';
import type { ResultSeries, RunsTablePage, RunsTableRow } from '../../core/records.ts';
import type { AgentAction, Comparison } from '../../core/records.ts';
import type { ExperimentInfo } from '../../core/events/event-map.ts';
import { EVENT_ID_HEADER, formatTopics } from '../../core/events/event-topics.ts';
import { loadValidator } from './experiment-validators.ts';
import { noteFetchedEvents } from './fetched-events.ts';

export type { ExperimentInfo, Instance, InstanceVersion, LogEntry, LogLevel, Page, ResultEntry, Run, RunStatus, WorkbenchHealth };
export type { CodeSnapshot, RunDetail, RunEnvironment, SnapshotFile };
export type { ResultSeries, RunsTablePage, RunsTableRow };

/** How `series` reads a run's numeric series: at most `points` points (default 1,000), x as step or time. */
export interface SeriesQuery {
  points?: number;
  x?: 'step' | 'time';
}

/**
 * A page of an experiment's runs table: `sort` as `COLUMN[:asc|:desc]`, `filters` such as
 * `status=completed`, `metrics.loss<0.5`, `config.model=small|large`; `columns` the
 * `config.<path>`/`metrics.<key>` columns the rows carry; `cursor` the previous page's `next`.
 */
export interface RunsTableQuery {
  sort?: string;
  filters?: readonly string[];
  columns?: readonly string[];
  limit?: number;
  cursor?: string | null;
}
export type { AgentAction, Comparison };
export type { InstancePage, InstanceSort, LatestRun, NewSweep, SweepResult };

/** Which code a rerun executes: the experiment's file now, or the code the run kept. */
export type RerunCode = 'current' | 'snapshot';

/** One problem with a configuration, as the server reports it. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error response: `{error, code, errors?}` with its HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export interface NewInstance {
  experiment: string;
  name: string;
  description?: string | null;
  configuration: Record<string, unknown>;
}

/** Which instances to list, in what order (`GET /api/instances`). */
export interface InstanceQuery {
  experiment?: string;
  /** Only names containing this text, case aside. */
  q?: string;
  sort?: InstanceSort;
}

/** A page of instances: `limit` 1 to 500, `cursor` the `next` of the previous page. */
export interface InstancePageQuery extends InstanceQuery {
  limit: number;
  cursor?: string | null;
}

export interface LogQuery {
  after?: number;
  levels?: readonly LogLevel[];
  limit?: number;
}

export interface ResultQuery {
  view?: 'latest' | 'series';
  key?: string;
  after?: number;
  limit?: number;
}

/** `GET /api/compare`'s options: the run deltas are taken against, and points per series. */
export interface CompareQuery {
  baseline?: string;
  points?: number;
}

/** What `POST /api/runs/:id/cancel` answers. */
export interface CancelOutcome {
  run: Run;
  changed: boolean;
  message: string;
}

/** The source of an experiment, and (after a write) its reloaded entry. */
export interface SourceFile {
  file: string;
  source: string;
}

/** A written experiment file (saved or created), relative to the experiments folder. */
export interface SavedSource {
  file: string;
  experiment?: ExperimentInfo;
}

export interface ApiClient {
  /** The API's origin (no trailing slash); '' for the page's own. */
  readonly base: string;
  listExperiments(): Promise<ExperimentInfo[]>;
  getExperiment(name: string): Promise<ExperimentInfo>;
  /** Writes a new experiment file from the template (or with `source`); `experiment` is its entry once it loads. */
  createExperiment(file: string, name?: string, source?: string): Promise<SavedSource>;
  readSource(name: string): Promise<SourceFile>;
  /**
   * Saves the source; `experiment` is the reloaded entry (with its load error, if any). With
   * `base` (the text the edit started from), a file changed on disk since is refused (409 ERR_CONFLICT).
   */
  writeSource(name: string, source: string, base?: string): Promise<SavedSource>;
  /**
   * Instances, each with its latest run (`latestRun`, with a few headline metrics): all of
   * them, or with `limit` a page `{items, next, total}`.
   */
  listInstances(query?: InstanceQuery): Promise<Instance[]>;
  listInstances(query: InstancePageQuery): Promise<InstancePage>;
  getInstance(id: string): Promise<Instance>;
  createInstance(input: NewInstance): Promise<Instance>;
  updateInstance(id: string, change: Partial<Omit<NewInstance, 'experiment'>>): Promise<Instance>;
  deleteInstance(id: string): Promise<void>;
  cloneInstance(id: string, input: { name: string; description?: string | null; configuration?: Record<string, unknown> }): Promise<Instance>;
  /** An instance's saved states, newest first, a page at a time. */
  listInstanceVersions(instanceId: string, query?: { limit?: number; cursor?: string | null }): Promise<Page<InstanceVersion>>;
  getInstanceVersion(instanceId: string, version: number): Promise<InstanceVersion>;
  listRuns(instanceId: string, query?: { limit?: number; cursor?: string | null; status?: RunStatus }): Promise<Page<Run>>;
  startRun(instanceId: string): Promise<Run>;
  /** One instance per combination of the grid, each with a started run (`POST /api/sweeps`); 422 names bad values. */
  sweep(input: NewSweep): Promise<SweepResult>;
  /** The run with its code's files and, when its files differed from the git commit, the diff. */
  getRun(id: string): Promise<RunDetail>;
  /** Asks for a cancel: `changed` is false when the run had already finished. */
  cancelRun(id: string): Promise<CancelOutcome>;
  /** A new run with the configuration `id` ran with; `code` (default: the server's, current) says which code. */
  rerun(id: string, code?: RerunCode): Promise<Run>;
  /** The code a run ran: its files' sources, as they were. */
  readRunSource(id: string): Promise<CodeSnapshot>;
  /** Kept code by its hash. */
  readCode(hash: string): Promise<CodeSnapshot>;
  readLogs(runId: string, query?: LogQuery): Promise<Page<LogEntry>>;
  /** 2 to 20 runs side by side: configuration, metrics, series, code. */
  compare(runIds: readonly string[], query?: CompareQuery): Promise<Comparison>;
  readResults(runId: string, query?: ResultQuery): Promise<Page<ResultEntry>>;
  /** A run's numeric series of `key`, downsampled on the server (extremes kept). */
  series(runId: string, key: string, query?: SeriesQuery): Promise<ResultSeries>;
  /** A page of every run of every instance of the experiment, sorted and filtered on the server. */
  experimentRuns(name: string, query?: RunsTableQuery): Promise<RunsTablePage>;
  /** The URL of a run's export (a download link): the JSON document, or one table as CSV. */
  exportUrl(runId: string, format: 'json'): string;
  exportUrl(runId: string, format: 'csv', table: ExportTable): string;
  /** Whether the workbench reaches its database, and what it holds open. */
  health(): Promise<WorkbenchHealth>;
  /** What AI agents did over MCP: their state-changing tool calls, newest first. */
  agentActions(query?: { limit?: number; cursor?: string | null }): Promise<Page<AgentAction>>;
  /**
   * The URL of the live event stream: `topics` (core/events/event-topics.ts), or the older
   * filter to one run or instance, or (neither) everything. The elements share one stream
   * per browser instead (ui/state/live-events.ts); this is for scripts.
   */
  eventsUrl(filter?: { run?: string; instance?: string; topics?: readonly string[] }): string;
}

/** The tables a run's CSV export has, one file each. */
export type ExportTable = 'logs' | 'results';

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
}

/** `?sort=…&filter=…&filter=…&columns=a,b&limit=…&cursor=…` (filter repeats). */
function runsTableQuery(q: RunsTableQuery): string {
  const params = new URLSearchParams();
  if (q.sort) params.set('sort', q.sort);
  for (const filter of q.filters ?? []) params.append('filter', filter);
  if (q.columns) params.set('columns', q.columns.join(','));
  if (q.limit !== undefined) params.set('limit', String(q.limit));
  if (q.cursor) params.set('cursor', q.cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Creates a client for the API at `base` ('' or undefined: this page's origin). */
export function apiClient(base = ''): ApiClient {
  const root = base.replace(/\/+$/, '');
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${root}${path}`, {
      method,
      credentials: 'include',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const eventId = Number(response.headers.get(EVENT_ID_HEADER) ?? NaN);
    if (Number.isSafeInteger(eventId)) noteFetchedEvents(root, eventId);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(response.status, 'ERR_BAD_RESPONSE', `${method} ${path} answered ${response.status} with text that is not JSON`);
    }
    if (!response.ok) {
      const error = (parsed ?? {}) as { error?: string; code?: string; errors?: FieldError[] };
      throw new ApiError(response.status, error.code ?? 'ERR_HTTP', error.error ?? `${method} ${path} failed with ${response.status}`, error.errors ?? []);
    }
    return parsed as T;
  };

  // Every schema that reaches the page starts loading its precompiled validator at once.
  const withValidator = (experiment: ExperimentInfo) => (void loadValidator(root, experiment), experiment);
  const savedWithValidator = (saved: SavedSource) => (saved.experiment && withValidator(saved.experiment), saved);

  return Object.freeze({
    base: root,
    listExperiments: () => request<ExperimentInfo[]>('GET', '/api/experiments').then((list) => (list.forEach(withValidator), list)),
    getExperiment: (name) => request<ExperimentInfo>('GET', `/api/experiments/${enc(name)}`).then(withValidator),
    createExperiment: (file, name, source) =>
      request<SavedSource>('POST', '/api/experiments', { file, ...(name ? { name } : {}), ...(source !== undefined ? { source } : {}) }).then(savedWithValidator),
    readSource: (name) => request<SourceFile>('GET', `/api/experiments/${enc(name)}/source`),
    writeSource: (name, source, base) =>
      request<SavedSource>('PUT', `/api/experiments/${enc(name)}/source`, base === undefined ? { source } : { source, base }).then(savedWithValidator),
    listInstances: ((q: InstanceQuery | InstancePageQuery = {}) => request('GET', `/api/instances${query({ ...q })}`)) as ApiClient['listInstances'],
    getInstance: (id) => request<Instance>('GET', `/api/instances/${enc(id)}`),
    createInstance: (input) => request<Instance>('POST', '/api/instances', input),
    updateInstance: (id, change) => request<Instance>('PATCH', `/api/instances/${enc(id)}`, change),
    deleteInstance: async (id) => void (await request<unknown>('DELETE', `/api/instances/${enc(id)}`)),
    cloneInstance: (id, input) => request<Instance>('POST', `/api/instances/${enc(id)}/clone`, input),
    listInstanceVersions: (id, q = {}) => request<Page<InstanceVersion>>('GET', `/api/instances/${enc(id)}/versions${query(q)}`),
    getInstanceVersion: (id, version) => request<InstanceVersion>('GET', `/api/instances/${enc(id)}/versions/${version}`),
    listRuns: (id, q = {}) => request<Page<Run>>('GET', `/api/instances/${enc(id)}/runs${query(q)}`),
    startRun: (id) => request<Run>('POST', `/api/instances/${enc(id)}/runs`, {}),
    sweep: (input) => request<SweepResult>('POST', '/api/sweeps', input),
    getRun: (id) => request<RunDetail>('GET', `/api/runs/${enc(id)}`),
    cancelRun: (id) => request<CancelOutcome>('POST', `/api/runs/${enc(id)}/cancel`, {}),
    rerun: (id, code) => request<Run>('POST', `/api/runs/${enc(id)}/rerun`, code ? { code } : {}),
    readRunSource: (id) => request<CodeSnapshot>('GET', `/api/runs/${enc(id)}/source`),
    readCode: (hash) => request<CodeSnapshot>('GET', `/api/code/${enc(hash)}`),
    readLogs: (id, q = {}) =>
      request<Page<LogEntry>>('GET', `/api/runs/${enc(id)}/logs${query({ after: q.after, level: q.levels?.join(','), limit: q.limit })}`),
    compare: (runIds, q = {}) =>
      request<Comparison>('GET', `/api/compare${query({ runs: runIds.join(','), baseline: q.baseline, points: q.points })}`),
    readResults: (id, q = {}) => request<Page<ResultEntry>>('GET', `/api/runs/${enc(id)}/results${query({ ...q })}`),
    series: (id, key, q = {}) => request<ResultSeries>('GET', `/api/runs/${enc(id)}/results/series${query({ key, points: q.points, x: q.x })}`),
    experimentRuns: (name, q = {}) => request<RunsTablePage>('GET', `/api/experiments/${enc(name)}/runs${runsTableQuery(q)}`),
    exportUrl: (id: string, format: 'json' | 'csv', table?: ExportTable) => `${root}/api/runs/${enc(id)}/export${query({ format, table })}`,
    health: () => request<WorkbenchHealth>('GET', '/api/health'),
    agentActions: (q = {}) => request<Page<AgentAction>>('GET', `/api/agent-actions${query(q)}`),
    eventsUrl: ({ topics, ...filter } = {}) =>
      topics ? `${root}/api/events?topics=${enc(formatTopics(topics))}` : `${root}/api/events${query(filter)}`,
  } satisfies ApiClient);
}
