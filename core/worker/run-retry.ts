/**
 * A failed run of the pool whose definition retries it (`Definition.retries(n)`) is
 * retried on the queue, like the original: the retry is created owned by the queue, with
 * the code the failed run kept and its job, in one transaction, so any live worker takes
 * it (a dead worker's run is retried elsewhere).
 */
import type { ExperimentsService } from '../experiments-service.ts';
import type { Run } from '../records.ts';
import { QUEUED_OWNER } from '../supervisor/run-recovery.ts';
import { addRunJob } from './job-queue.ts';

/** Queues failed run `failed`'s next attempt; undefined when it is not retried (or another node did it). */
export function queueRetry(service: Pick<ExperimentsService, 'createRetry'>, failed: Run): Promise<Run | undefined> {
  return service.createRetry(failed.id, {
    owner: QUEUED_OWNER,
    // A worker has no experiment file: the retry runs the kept code or is not made.
    keptCodeOnly: true,
    withRetry: (trx, retry) => addRunJob(trx, retry.id),
  });
}
