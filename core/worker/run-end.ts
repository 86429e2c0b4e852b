/**
 * Waiting for a run that executes elsewhere (on a worker) to end: its final `run.status`
 * event, which the pool's notices bring; the row is read again every few seconds in case
 * a notice was lost (a listener reconnecting).
 */
import type { EventBus } from '../events/event-bus.ts';
import type { ExperimentsService } from '../experiments-service.ts';
import { NotFoundError } from '../errors.ts';
import { FINISHED_STATUSES, type Run } from '../records.ts';

const RECHECK_MS = 2000;

/** Resolves with the run's final record once it has ended. */
export function waitForRunEnd(service: Pick<ExperimentsService, 'getRun'>, bus: EventBus, runId: string): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    let done = false;
    const finish = (run: Run) => {
      if (done || !FINISHED_STATUSES.includes(run.status)) return;
      done = true;
      off();
      clearInterval(timer);
      resolve(run);
    };
    const off = bus.subscribe('run.status', (event) => {
      if (event.runId === runId) finish(event.run);
    });
    const check = () =>
      service.getRun(runId).then(finish, (error: unknown) => {
        if (done || !(error instanceof NotFoundError)) return; // the database away: the next check tries again
        done = true;
        off();
        clearInterval(timer);
        reject(error);
      });
    const timer = setInterval(() => void check(), RECHECK_MS);
    void check();
  });
}
