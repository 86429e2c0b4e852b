/** Storage rows (snake_case, Dates) → records (camelCase, ISO strings). */
import type { InstanceRow, InstanceVersionRow, RunLogRow, RunResultRow, RunRow } from '../../storage/database-schema.ts';
import type { Instance, InstanceVersion, LogEntry, ResultEntry, Run, RunCounts, RunEnvironment, RunOptions, RunProgress } from '../records.ts';

export const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();
export const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));

export function emptyRunCounts(): RunCounts {
  return { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
}

export function toInstance(row: InstanceRow, runCounts: RunCounts = emptyRunCounts(), lastRunAt: Date | string | null = null): Instance {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    experiment: row.experiment,
    configuration: row.configuration as Record<string, unknown>,
    version: Number(row.version),
    runCounts,
    lastRunAt: lastRunAt === null ? null : iso(lastRunAt),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    instanceId: row.instance_id,
    status: row.status,
    error: row.error,
    progress: (row.progress as RunProgress | null) ?? null,
    codeHash: row.code_hash,
    configuration: (row.configuration as Record<string, unknown> | null) ?? null,
    configurationInferred: Boolean(row.configuration_inferred),
    environment: (row.environment as RunEnvironment | null) ?? null,
    rerunOf: row.rerun_of ?? null,
    codeSnapshot: row.code_snapshot ?? null,
    options: (row.options as RunOptions | null) ?? {},
    logCount: Number(row.log_count),
    resultCount: Number(row.result_count),
    createdAt: iso(row.created_at),
    startedAt: isoOrNull(row.started_at),
    completedAt: isoOrNull(row.completed_at),
    instanceVersion: row.instance_version ?? null,
    agent: row.agent ?? null,
    worker: row.worker ?? null,
    attempt: Number(row.attempt ?? 1),
    retries: Number(row.retries ?? 0),
    retryOf: row.retry_of ?? null,
  };
}

export function toInstanceVersion(row: InstanceVersionRow): InstanceVersion {
  return {
    version: Number(row.version),
    name: row.name,
    description: row.description,
    configuration: row.configuration as Record<string, unknown>,
    createdAt: iso(row.created_at),
  };
}

export function toLogEntry(row: Pick<RunLogRow, 'seq' | 'level' | 'message' | 'metadata' | 'timestamp'>): LogEntry {
  return {
    seq: Number(row.seq),
    level: row.level,
    message: row.message,
    metadata: row.metadata ?? null,
    timestamp: iso(row.timestamp),
  };
}

export function toResultEntry(row: Pick<RunResultRow, 'seq' | 'key' | 'value' | 'recorded_at'>): ResultEntry {
  return { seq: Number(row.seq), key: row.key, value: row.value, recordedAt: iso(row.recorded_at) };
}
