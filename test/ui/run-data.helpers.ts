/**
 * A run with logs and results written straight through the service (no experiment
 * process), for the log and results component suites: `runningRun` marks it running so
 * the service takes appends, owned by the workbench so it is not taken for a dead one's; `publishLogs` sends a `run.log` event as the run kernel would.
 */
import type { LogEntry, LogLevel } from '../../core/records.ts';
import type { Workbench } from '../../core/workbench.ts';

export async function runningRun(workbench: Workbench): Promise<{ runId: string; instanceId: string }> {
  const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: `direct ${Math.random()}`, configuration: {} });
  const run = await workbench.experiments.createRun(instance.id);
  // Owned by this workbench (as a run it executes), so its sweep for runs of dead workbenches
  // leaves it alone however long a test takes to write it (no owner is stale after 15 s).
  await workbench.database.db.updateTable('runs').set({ status: 'running', started_at: new Date(), owner: workbench.supervisor.owner }).where('id', '=', run.id).execute();
  return { runId: run.id, instanceId: instance.id };
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Appends `count` entries (levels cycling debug, info, warn, error; metadata on every 10th). */
export async function appendEntries(workbench: Workbench, runId: string, count: number, from = 1): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    await workbench.experiments.appendLogs(
      runId,
      Array.from({ length: n }, (_, i) => {
        const k = from + start + i;
        return { level: LEVELS[(k - 1) % 4]!, message: `entry ${k}`, ...(k % 10 === 0 ? { metadata: { k, nested: { deep: { deeper: { deepest: k } } } } } : {}) };
      }),
    );
  }
}

/** Publishes `run.log` for entries already stored (seq `from`..`to`), as the run kernel does after a flush. */
export async function publishLogs(workbench: Workbench, ids: { runId: string; instanceId: string }, from: number, to: number): Promise<void> {
  const page = await workbench.experiments.readLogs(ids.runId, { after: from - 1, limit: to - from + 1 });
  const entries: LogEntry[] = page.items;
  workbench.bus.publish('run.log', { ...ids, entries });
}
