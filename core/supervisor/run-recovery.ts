/**
 * Crash recovery: a run left `pending` or `running` by a workbench that is gone is ended
 * `failed`, never left hanging. Its flushed logs and results stay. A run still owned by a
 * live workbench (fresh heartbeat) is never touched.
 */
import { hostname } from 'node:os';
import type { EventBus } from '../events/event-bus.ts';
import type { ExperimentsService } from '../experiments-service.ts';

export const INTERRUPTED = 'interrupted: the workbench stopped while the run was active';

/** The owner of a run waiting in the job queue (no process holds it; a worker will claim it). */
export const QUEUED_OWNER = 'queue';

/** Whether process `pid` lives (one we may not signal counts as alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the workbench that owns a run is certainly gone. */
function ownerGone(owner: string | null, lastSeen: Date, now: number, staleAfterMs: number): boolean {
  const stale = now - lastSeen.getTime() > staleAfterMs;
  if (!owner) return stale;
  const [host, pid] = owner.split(':');
  // On this machine a dead pid is proof at once; elsewhere only a stale heartbeat is.
  if (host === hostname() && pid && !processAlive(Number(pid))) return true;
  return stale;
}

/** Ends every run whose owner is gone; returns their ids. */
export async function recoverInterruptedRuns(options: {
  service: ExperimentsService;
  bus: EventBus;
  owner: string;
  staleAfterMs: number;
}): Promise<string[]> {
  const { service, bus } = options;
  const now = Date.now();
  const recovered: string[] = [];
  for (const active of await service.listActiveRuns()) {
    if (active.owner === options.owner) continue;
    // Queued runs, and runs a worker took, are the workers' lease's (core/worker/worker-lease.ts).
    if (active.worker !== null || active.owner === QUEUED_OWNER) continue;
    if (!ownerGone(active.owner, active.heartbeatAt ?? active.createdAt, now, options.staleAfterMs)) continue;
    try {
      const run = await service.transitionRun(active.id, 'failed', { error: INTERRUPTED });
      bus.publish('run.status', { runId: run.id, instanceId: run.instanceId, status: run.status, run });
      recovered.push(run.id);
    } catch {
      // It ended meanwhile: nothing to recover.
    }
  }
  return recovered;
}
