/**
 * Where a `runExperiment` run keeps its record and output: memory, not a database. The run
 * server (the workbench's own, with its limits, timeouts and cancellation ladder) needs of
 * storage only its run's transitions, progress and an ordered writer; this gives it those
 * over one run, and keeps the output as the outcome reports it, decoded once.
 */
import { InvalidTransitionError } from '../errors.ts';
import type { EncodedLogEntry, EncodedResultEntry, SeqRange } from '../experiments-service.ts';
import { FINISHED_STATUSES, type LogEntry, type Run, type RunProgress, type RunStatus } from '../records.ts';
import { canTransition } from '../experiments/run-lifecycle.ts';
import type { RunStorage } from '../supervisor/run-server.ts';
import type { RunTransition } from '../experiments/runs.ts';

export interface HarnessStore extends RunStorage {
  /** The run as it is now. */
  readonly run: Run;
  readonly logs: LogEntry[];
  /** Every result in order, value decoded. */
  readonly results: { key: string; value: unknown }[];
}

/** A store holding `run` (pending) and nothing else. */
export function createHarnessStore(initial: Run): HarnessStore {
  let run = initial;
  const logs: LogEntry[] = [];
  const results: { key: string; value: unknown }[] = [];
  const check = (id: string) => {
    if (id !== run.id) throw new Error(`the harness keeps run ${run.id}, not ${id}`);
  };
  const range = (before: number, after: number): SeqRange => (after === before ? { first: 0, last: 0 } : { first: before + 1, last: after });

  return {
    get run() {
      return run;
    },
    logs,
    results,
    async getRun(id: string) {
      check(id);
      return run;
    },
    async transitionRun(id: string, to: RunStatus, change: RunTransition = {}) {
      check(id);
      if (!canTransition(run.status, to)) throw new InvalidTransitionError(id, run.status, to);
      const now = new Date().toISOString();
      run = {
        ...run,
        status: to,
        ...(change.error !== undefined ? { error: change.error } : {}),
        ...(change.codeHash !== undefined ? { codeHash: change.codeHash } : {}),
        ...(change.configuration !== undefined ? { configuration: change.configuration } : {}),
        ...(change.environment !== undefined ? { environment: change.environment } : {}),
        ...(to === 'running' ? { startedAt: now } : {}),
        ...(FINISHED_STATUSES.includes(to) ? { completedAt: now } : {}),
      };
      return run;
    },
    async saveProgress(id: string, progress: RunProgress) {
      check(id);
      run = { ...run, progress };
    },
    createRunWriter(id: string) {
      check(id);
      return {
        async appendLogs(entries: readonly EncodedLogEntry[]) {
          const before = logs.length;
          for (const entry of entries) {
            logs.push({
              seq: logs.length + 1,
              level: entry.level,
              message: entry.message,
              metadata: entry.metadata === null ? null : JSON.parse(entry.metadata),
              timestamp: entry.timestamp.toISOString(),
            });
          }
          run = { ...run, logCount: logs.length };
          return range(before, logs.length);
        },
        async appendResults(entries: readonly EncodedResultEntry[]) {
          const before = results.length;
          for (const entry of entries) results.push({ key: entry.key, value: JSON.parse(entry.value) });
          run = { ...run, resultCount: results.length };
          return range(before, results.length);
        },
      };
    },
  };
}
