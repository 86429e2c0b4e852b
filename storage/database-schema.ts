/**
 * The database schema every backend (pg-mem, PGlite, Postgres) presents through Kysely.
 * Column names are snake_case as stored; the experiments service maps rows to the
 * camelCase records of the HTTP API.
 *
 * `jsonb` columns are written as JSON text (`JSON.stringify`) because node-postgres would
 * turn a JS array into a Postgres array, and read back as parsed values.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A `timestamptz`: read as a Date, written as a Date or an ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A `jsonb` value: read parsed, written as JSON text. */
export type Json = ColumnType<unknown, string, string>;

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface InstancesTable {
  id: string;
  experiment: string;
  name: string;
  description: string | null;
  configuration: Json;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The current version: the latest row of `instance_versions` for this instance. */
  version: Generated<number>;
}

/** One saved state of an instance; written once, never changed (migration 0003). */
export interface InstanceVersionsTable {
  instance_id: string;
  /** 1 at creation, then one more per change of name, description or configuration. */
  version: number;
  name: string;
  description: string | null;
  configuration: Json;
  created_at: Timestamp;
}

export interface RunsTable {
  id: string;
  instance_id: string;
  status: RunStatus;
  error: string | null;
  /** The latest progress `{current, total, message?}`, kept at each flush. */
  progress: ColumnType<unknown, string | null, string | null>;
  /** Content hash of the experiment's code this run executed. */
  code_hash: string | null;
  /** Options of this run, e.g. `{timeoutMs}`. */
  options: ColumnType<unknown, string, string>;
  /** Which workbench process owns the run while it is active (`host:pid:boot`). */
  owner: string | null;
  heartbeat_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** Rows appended so far; the next log/result takes `count + 1` as its sequence. */
  log_count: Generated<number>;
  result_count: Generated<number>;
  created_at: Timestamp;
  started_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  completed_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  /** What the run ran with: set when it starts (a rerun sets it when created), never changed after. */
  configuration: ColumnType<unknown, string | null | undefined, string | null>;
  /** True for runs from before runs kept their configuration: it is their instance's, as it was then. */
  configuration_inferred: Generated<boolean>;
  /** Node, athanor, platform, host and git facts of where the run ran. */
  environment: ColumnType<unknown, string | null | undefined, string | null>;
  /** The code snapshot (hash) a rerun executes instead of the experiment's current file. */
  code_snapshot: ColumnType<string | null, string | null | undefined, string | null>;
  /** The run this one reruns. */
  rerun_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** The instance's version when the run was created; null for runs older than migration 0003. */
  instance_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** The MCP client (its `clientInfo.name`) that started the run; null for a person. */
  agent: ColumnType<string | null, string | null | undefined, string | null>;
  /** The worker that ran it (migration 0006); null for runs of the workbench's own supervisor. */
  worker: ColumnType<string | null, string | null | undefined, string | null>;
  /** Retries its definition allowed when it was created (migration 0007). */
  retries: ColumnType<number, number | undefined, number>;
  /** 1, or 2 and up for a retry (migration 0007). */
  attempt: ColumnType<number, number | undefined, number>;
  /** The failed run this one retries (unique: one retry per failed run). */
  retry_of: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A live worker's lease (migration 0006; core/worker/worker-lease.ts). */
export interface WorkersTable {
  /** The owner its runs carry in `runs.owner` (`host:pid:boot`). */
  owner: string;
  name: string;
  concurrency: number;
  /** The ids of its graphile-worker workers, as JSON text. */
  job_workers: Json;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CodeSnapshotsTable {
  /** The code hash (see plugins/graph/module-graph.ts: computeCodeHash). */
  hash: string;
  /** The experiment module's path, relative to the experiments folder. */
  entry: string;
  /** `[{path, bytes, source?, omitted?}]` (SnapshotFile in core/records.ts). */
  files: Json;
  bytes: number;
  /** Why some of the code was not kept (over a size bound), or null. */
  note: string | null;
  created_at: Generated<Date>;
}

export interface CodeDiffsTable {
  snapshot_hash: string;
  commit: string;
  diff: string;
}

export interface RunLogsTable {
  run_id: string;
  seq: number;
  level: LogLevel;
  message: string;
  metadata: ColumnType<unknown, string | null, string | null>;
  timestamp: Timestamp;
}

export interface RunResultsTable {
  run_id: string;
  seq: number;
  key: string;
  value: Json;
  recorded_at: Timestamp;
}

/** The latest numeric value of a run's result key (migration 0004; kept by the result write path). */
export interface RunMetricsTable {
  run_id: string;
  key: string;
  value: number;
  /** The sequence number (in `run_results`) of that value. */
  seq: number;
  /** How many numeric values the key has had: the step the next one takes. */
  count: number;
}

/** One numeric value of a run's result key: the point `step` (0-based) of the key's series. */
export interface RunPointsTable {
  run_id: string;
  key: string;
  step: number;
  value: number;
  recorded_at: Timestamp;
}

/** The extremes of a block of consecutive steps of a series, for downsampling long ones. */
export interface RunPointBlocksTable {
  run_id: string;
  key: string;
  /** `step / POINTS_PER_BLOCK` (core/experiments/run-series-rows.ts). */
  block: number;
  /** When the block's first point was recorded. */
  first_at: Timestamp;
  min_value: number;
  /** The first step holding `min_value`. */
  min_step: number;
  max_value: number;
  max_step: number;
}

/** One state-changing MCP tool call (issue 17), kept as the agent's record. */
export interface AgentActionsTable {
  id: string;
  at: Timestamp;
  /** The MCP client's `clientInfo.name` (`unknown client` when it gave none). */
  client: string;
  tool: string;
  arguments: Json;
  outcome: 'ok' | 'error';
  /** What it made or changed, or the error's message. */
  detail: string;
}

export interface DatabaseSchema {
  instances: InstancesTable;
  instance_versions: InstanceVersionsTable;
  runs: RunsTable;
  run_logs: RunLogsTable;
  run_results: RunResultsTable;
  run_metrics: RunMetricsTable;
  run_points: RunPointsTable;
  run_point_blocks: RunPointBlocksTable;
  code_snapshots: CodeSnapshotsTable;
  code_diffs: CodeDiffsTable;
  agent_actions: AgentActionsTable;
  workers: WorkersTable;
}

export type InstanceRow = Selectable<InstancesTable>;
export type InstanceVersionRow = Selectable<InstanceVersionsTable>;
export type RunRow = Selectable<RunsTable>;
export type AgentActionRow = Selectable<AgentActionsTable>;
export type RunLogRow = Selectable<RunLogsTable>;
export type RunResultRow = Selectable<RunResultsTable>;
export type NewRunLogRow = Insertable<RunLogsTable>;
export type NewRunResultRow = Insertable<RunResultsTable>;
export type NewRunMetricRow = Insertable<RunMetricsTable>;
export type NewRunPointRow = Insertable<RunPointsTable>;
export type NewRunPointBlockRow = Insertable<RunPointBlocksTable>;
