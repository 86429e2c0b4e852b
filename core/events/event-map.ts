/**
 * Every live event, by name (`noun.verb`), with its payload. The event bus carries them
 * in-process; the HTTP server streams them to the browser.
 */
import type { DatabaseStatus, Instance, LogEntry, ResultEntry, Run, RunProgress } from '../records.ts';
import type { JSONSchema } from '../experiment/config-schema.ts';

/** An experiment as the registry knows it (mirrors plugins' ExperimentEntry). */
export interface ExperimentInfo {
  name: string;
  description: string | null;
  file: string;
  schema: JSONSchema | null;
  codeHash: string | null;
  error?: { message: string; file: string; line?: number; column?: number; code: string };
}

export interface AthanorEventMap {
  /** A run changed status; `run` is its record after the change. */
  'run.status': { runId: string; instanceId: string; status: Run['status']; run: Run };
  /**
   * Log entries stored by one flush, in order. Past the live budget the event carries
   * the newest entries and `omitted` names the range left out (`after` < seq ≤ `upTo`),
   * to read from `GET /api/runs/:id/logs?after=`.
   */
  'run.log': { runId: string; instanceId: string; entries: LogEntry[]; omitted?: { after: number; upTo: number } };
  /** Results stored by one flush, in order. */
  'run.result': { runId: string; instanceId: string; entries: ResultEntry[] };
  /** The run's latest progress (throttled to a few per second). */
  'run.progress': { runId: string; instanceId: string; progress: RunProgress };
  'instance.created': { instance: Instance };
  'instance.updated': { instance: Instance };
  'instance.deleted': { instanceId: string };
  /** An experiment was added or reloaded: its new definition, or its error. */
  'experiment.changed': { experiment: ExperimentInfo };
  'experiment.removed': { name: string; file: string };
  /** The database went away or came back (Postgres only: the embedded ones cannot). */
  'database.status': DatabaseStatus;
}

export type AthanorEventType = keyof AthanorEventMap;

/** One event: its type and its payload's fields. */
export type AthanorEvent = { [K in AthanorEventType]: { type: K } & AthanorEventMap[K] }[AthanorEventType];
