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

/**
 * Orders instances for `sort` (a new array). Activity is the latest run, else the creation;
 * names compare as people read them (case and accents aside, numbers by value).
 */
export function sortInstances(instances: readonly Instance[], sort: InstanceSort = 'activity'): Instance[] {
  const byName = (a: Instance, b: Instance) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) || a.id.localeCompare(b.id);
  const newest = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
  const compare =
    sort === 'name' ? byName
    : sort === 'created' ? (a: Instance, b: Instance) => newest(a.createdAt, b.createdAt) || byName(a, b)
    : (a: Instance, b: Instance) => newest(a.lastRunAt ?? a.createdAt, b.lastRunAt ?? b.createdAt) || byName(a, b);
  return [...instances].sort(compare);
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
}

/** `GET /api/runs/:id`: the run with its code's files (paths) and its environment's diff. */
export interface RunDetail extends Run {
  code: { hash: string; entry: string; files: string[]; note: string | null } | null;
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
}
