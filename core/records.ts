/**
 * The records Athanor's service, HTTP API and UI exchange: camelCase, times as ISO 8601
 * strings, so the same shapes serve in memory, as JSON and in the browser.
 */
import type { LogLevel, RunStatus } from '../storage/database-schema.ts';

export type { LogLevel, RunStatus };

export const RUN_STATUSES: readonly RunStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

export type RunCounts = Record<RunStatus, number> & { total: number };

export interface Instance {
  id: string;
  name: string;
  description: string | null;
  experiment: string;
  /** The configuration snapshotted at creation (or the latest edit), defaults applied. */
  configuration: Record<string, unknown>;
  /** The current version: 1 at creation, one more per saved change ({@link InstanceVersion}). */
  version: number;
  runCounts: RunCounts;
  /** When its latest run was created, or null before its first run. */
  lastRunAt: string | null;
  /** Its latest run with a few headline metrics, in lists (`GET /api/instances`); null before its first run. */
  latestRun?: LatestRun | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * One saved state of an instance (`GET /api/instances/:id/versions`): version 1 is the
 * state it was created with, each later one a change of name, description or
 * configuration. Written once, never changed; runs name the version they ran
 * ({@link Run.instanceVersion}).
 */
export interface InstanceVersion {
  version: number;
  name: string;
  description: string | null;
  configuration: Record<string, unknown>;
  /** When this state was saved. */
  createdAt: string;
}

/** How instances are listed: latest activity first (the default), by name, or newest first. */
export const INSTANCE_SORTS = ['activity', 'name', 'created'] as const;
export type InstanceSort = (typeof INSTANCE_SORTS)[number];

/** What ordering instances needs of each: the keys every sort reads. */
export type InstanceSortKeys = Pick<Instance, 'id' | 'name' | 'createdAt' | 'lastRunAt'>;

/** One collator for every comparison: `localeCompare` with options builds one per call (sorting 10,000 names here: 1.9 s vs 0.1 s). */
const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * The comparison behind {@link sortInstances}: negative when `a` lists before `b`. Activity
 * is the latest run, else the creation; names compare as people read them (case and accents
 * aside, numbers by value); the id breaks ties, so the order is total (a page cursor relies on it).
 */
export function compareInstances(sort: InstanceSort = 'activity'): (a: InstanceSortKeys, b: InstanceSortKeys) => number {
  const byName = (a: InstanceSortKeys, b: InstanceSortKeys) => nameCollator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const newest = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  if (sort === 'name') return byName;
  if (sort === 'created') return (a, b) => newest(a.createdAt, b.createdAt) || byName(a, b);
  return (a, b) => newest(a.lastRunAt ?? a.createdAt, b.lastRunAt ?? b.createdAt) || byName(a, b);
}

/** Orders instances for `sort` (a new array), as {@link compareInstances} compares them. */
export function sortInstances<I extends InstanceSortKeys>(instances: readonly I[], sort: InstanceSort = 'activity'): I[] {
  return [...instances].sort(compareInstances(sort));
}

/**
 * `GET /api/instances?limit=N[&cursor=…]`: a page of instances in the order asked for;
 * `total` counts every instance the query matches (`experiment`, `q`), on all pages.
 */
export interface InstancePage extends Page<Instance> {
  total: number;
}

export interface RunProgress {
  current: number;
  total: number;
  message?: string;
}

export interface RunOptions {
  /** End the run `failed` with reason `timeout` after this many milliseconds. */
  timeoutMs?: number;
  /** Memory the run's process may use (resident, MiB); past it the run fails. Default: a share of the machine's. */
  memoryMb?: number;
}

/** Where a run ran: kept with it, so a result can be traced to the machine and commit. */
export interface RunEnvironment {
  node: string;
  athanor: string;
  platform: string;
  arch: string;
  host: string;
  /** When the experiments folder is in a git repository. */
  git?: {
    commit: string;
    /** Null on a detached HEAD. */
    branch: string | null;
    /** Whether the snapshot's files differed from the commit. */
    dirty: boolean;
    /** The diff of the snapshot's files against the commit, when dirty (`GET /api/runs/:id` only). */
    diff?: string;
  };
}

/** One file of a code snapshot: its source, or why it was not kept. */
export interface SnapshotFile {
  /** Relative to the experiments folder, `/`-separated. */
  path: string;
  bytes: number;
  source?: string;
  omitted?: string;
}

/** A run's code: the experiment module and its local imports, addressed by the code hash. */
export interface CodeSnapshot {
  hash: string;
  /** The experiment module's path among `files`. */
  entry: string;
  files: SnapshotFile[];
  bytes: number;
  /** Set when some source was not kept (over a size bound). */
  note: string | null;
}

export interface Run {
  id: string;
  instanceId: string;
  status: RunStatus;
  error: string | null;
  progress: RunProgress | null;
  codeHash: string | null;
  /**
   * What `Runtime.config(ctx)` returned to the run (null until it starts); never changed by
   * later edits of the instance or the schema.
   */
  configuration: Record<string, unknown> | null;
  /** True for runs from before runs kept their configuration: it is their instance's, as it was then. */
  configurationInferred: boolean;
  /** Where it ran (null until it starts). */
  environment: RunEnvironment | null;
  /** The run this one reruns, if any. */
  rerunOf: string | null;
  /** Set on a rerun of stored code: the snapshot it executes instead of the current file. */
  codeSnapshot: string | null;
  options: RunOptions;
  logCount: number;
  resultCount: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** The instance's version the run was created from; null for runs older than instance history. */
  instanceVersion: number | null;
  /** The MCP client (its `clientInfo.name`) that started the run; null when a person did (the UI, the CLI). */
  agent: string | null;
  /** The worker that ran it (`athanor worker --name`), or null for a run of the workbench's own supervisor. */
  worker: string | null;
  /** Which attempt this is: 1, or 2 and up for a retry (`Definition.retries(n)`). */
  attempt: number;
  /** Retries its definition allowed when it was created: attempts are at most `retries + 1`. */
  retries: number;
  /** The failed run this one retries, if any. */
  retryOf: string | null;
}

/**
 * Whether `run` ended in a way its definition's retries cover, with attempts left: it had
 * started and then failed. Not a cancelled run, nor one that failed before starting (its
 * instance deleted, its configuration refused, its code not kept): that would fail the same
 * way. The supervisor, the pool and `athanor run` (waiting for the retry) all ask this.
 */
export function shouldRetry(run: Pick<Run, 'status' | 'startedAt' | 'configuration' | 'attempt' | 'retries'>): boolean {
  return run.status === 'failed' && run.startedAt !== null && run.configuration !== null && run.attempt <= run.retries;
}

/** `GET /api/runs/:id`: the run with its code's files (paths) and its environment's diff. */
export interface RunDetail extends Run {
  code: { hash: string; entry: string; files: string[]; note: string | null } | null;
  /** The run that retries this failed one (its next attempt), if any. */
  retriedBy: string | null;
}

export interface LogEntry {
  seq: number;
  level: LogLevel;
  message: string;
  metadata: unknown;
  timestamp: string;
}

export interface ResultEntry {
  seq: number;
  key: string;
  value: unknown;
  recordedAt: string;
}

/** A page of a list: `next` is the cursor of the following page, or null at the end. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Whether the workbench can reach its database (`GET /api/health`, the `database.status` event). */
export type DatabaseStatus =
  | { status: 'ok' }
  /** `since`: when it was first seen away (ISO); `error`: what the last attempt said. */
  | { status: 'unavailable'; since: string; error: string };

/** `GET /api/health`: what the workbench can reach and holds open now. */
export interface WorkbenchHealth {
  database: DatabaseStatus;
  /** Open `/api/events` streams. */
  eventClients: number;
  activeRuns: number;
  queuedRuns: number;
  /** With `--runs queue|both`: the mode and the live workers of the pool (null while the database is away). */
  pool?: { runs: 'queue' | 'both'; workers: PoolWorker[] | null };
}

/** A live worker of the run pool, as its lease says. */
export interface PoolWorker {
  name: string;
  concurrency: number;
  startedAt: string;
  heartbeatAt: string;
}

// ─── Compare (issue 14): the runs table, series, comparison and sweeps ─────────────────

/**
 * A column of an experiment's runs table, as named in `sort`, `filter` and `columns`:
 * `run`, `instance`, `status`, `startedAt`, `duration`; `config.<path>` (groups flattened,
 * `config.sampling.top_k`); `metrics.<key>` (the latest numeric value of a result key).
 */
export type RunsTableColumn = string;

/** One row of `GET /api/experiments/:name/runs`. */
export interface RunsTableRow {
  id: string;
  instanceId: string;
  instanceName: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** What the run ran with (null until it starts), as `Run.configuration`. */
  configuration: Record<string, unknown> | null;
  /** The latest value of each numeric result key (only the chosen `columns` when given). */
  metrics: Record<string, number>;
  /** The worker that ran it, as `Run.worker`. */
  worker: string | null;
}

/**
 * `GET /api/experiments/:name/runs?sort=&filter=&columns=&limit=&cursor=`: a page of every
 * run of every instance of the experiment. `total` counts the rows the filters match;
 * `columns` names every configuration field and metric key the experiment's runs have, so a
 * table can offer them.
 */
export interface RunsTablePage extends Page<RunsTableRow> {
  total: number;
  columns: { configuration: string[]; metrics: string[] };
}

/**
 * `GET /api/runs/:id/results/series?key=&points=N`: a numeric series (the values a result
 * key was given, in order; the step is the index in the series, from 0), downsampled on
 * the server to at most N points, deterministically, keeping each bucket's extremes.
 * `total` is the number of points stored, `lastSeq` the sequence number of the last of
 * them (0 when none): a live `run.result` entry of the key with a higher `seq` is a point
 * the read does not hold, one with a lower or equal `seq` is one it does. With `x=time`,
 * the first element of each point is the time it was recorded (ms since the epoch)
 * instead of the step.
 */
export interface ResultSeries {
  key: string;
  total: number;
  lastSeq: number;
  points: [number, number][];
}

/** A metric's direction when the comparison marks the best value of a row. */
export type MetricGoal = 'min' | 'max';

/** The run as a comparison shows it. */
export interface ComparedRun {
  id: string;
  instanceId: string;
  instanceName: string;
  experiment: string;
  status: RunStatus;
  /** Why a failed run failed, or why a cancelled one was cancelled (null otherwise). */
  error: string | null;
  startedAt: string | null;
  completedAt: string | null;
  codeHash: string | null;
  configuration: Record<string, unknown> | null;
}

/**
 * `GET /api/compare?runs=ID,ID,…[&baseline=ID][&points=N]` (2 to 20 runs, in the order
 * given). Every per-run array is in the order of `runs`.
 */
export interface Comparison {
  runs: ComparedRun[];
  /** The baseline run's id (the first unless `baseline=` names another). */
  baseline: string;
  /**
   * One row per configuration field (flattened path), changed ones first: the value per run,
   * and the indexes of the runs without the field (`absent`: their code had no such field,
   * an optional one was left unset, or they kept no configuration; their value is null).
   */
  configuration: { field: string; values: unknown[]; absent: number[]; changed: boolean }[];
  /**
   * One row per numeric result key: the latest value per run (null where it has none),
   * the delta of each against the baseline, the goal assumed (lower is better for keys
   * that read as a loss or error, else higher) and the index of the best run.
   */
  metrics: { key: string; values: (number | null)[]; deltas: (number | null)[]; goal: MetricGoal; best: number | null }[];
  /**
   * One row per result key that is not a number in some run (text, lists, objects,
   * booleans): each run's latest value, the indexes of the runs without the key
   * (`absent`; their value is null) and whether the runs differ on it.
   */
  results: { key: string; values: unknown[]; absent: number[]; changed: boolean }[];
  /** One entry per numeric series key (a key with two or more values in some run). */
  series: { key: string; runs: { run: string; total: number; points: [number, number][] }[] }[];
  /**
   * The code: each run's hash, and when they differ, for each run whose hash differs from
   * the baseline's, a unified diff per changed file of its snapshot against the baseline's.
   */
  code: {
    hashes: (string | null)[];
    same: boolean;
    diffs: { run: string; from: string; to: string; files: { path: string; change: 'added' | 'removed' | 'changed'; diff: string }[] }[];
  };
}

/**
 * `POST /api/sweeps {experiment, name, configuration, grid: {field: [values]}}`: one instance
 * per combination of the grid's values over the base configuration (named
 * `name · field=value · …`), each with a started run (queued by the supervisor's limit).
 */
export interface NewSweep {
  experiment: string;
  name: string;
  description?: string | null;
  configuration?: Record<string, unknown>;
  /** Field path (groups flattened with `.`) → the values to try; at most 1,000 combinations. */
  grid: Record<string, unknown[]>;
}

export interface SweepResult {
  instances: Instance[];
  runs: Run[];
}

/** An instance's latest run, as lists of instances show it. */
export interface LatestRun {
  id: string;
  status: RunStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** A few of its numeric metrics (latest values), for a headline. */
  metrics: Record<string, number>;
  /** The code version it ran (null until it starts), so a list can tell runs of older code. */
  codeHash?: string | null;
}

/** Who started a run, for the record: an AI agent over MCP (its client's name), or nobody named (a person). */
export interface RunOrigin {
  agent?: string;
}

/**
 * One state-changing tool call an AI agent made over MCP (`GET /api/agent-actions`):
 * kept whatever its outcome, so the workbench shows what agents did and tried.
 */
export interface AgentAction {
  id: string;
  /** When the call ended (ISO 8601). */
  at: string;
  /** The MCP client's name, as its `initialize` gave it (`clientInfo.name`). */
  client: string;
  tool: string;
  arguments: Record<string, unknown>;
  outcome: 'ok' | 'error';
  /** What it made or changed (`run 3063c6fc… started`), or the error's message. */
  detail: string;
}
