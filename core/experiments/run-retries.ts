/**
 * Retries (`Definition.retries(n)`): the next attempt of a failed run is a new run of the
 * same instance, with the configuration, options and code the failed one ran with, that
 * records its attempt and the run it retries.
 *
 * Which failures are retried: a run that had started and then failed — its worker stopped,
 * its process crashed or ran out of memory, `run()` threw or called `Runtime.fail`, it hit
 * its timeout. Not a cancelled run, nor one that failed before starting (its instance
 * deleted, its configuration refused, its code not kept): that would fail the same way.
 *
 * `runs.retry_of` is unique, so nodes that both see a run fail (a worker ending it, the
 * lease's recovery ending it too) make one retry between them.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import { shouldRetry, type Run } from '../records.ts';
import { toRun } from './row-mappers.ts';
import { getRun } from './runs.ts';
import { creationTime } from './service-context.ts';
import type { ServiceContext } from './service-context.ts';

/** How the retry starts: on the job queue (owned by the queue, its job added with it), or where the caller starts it. */
export interface RetryOptions {
  /** The owner the retry is created with (the job queue's), or none: the caller starts it. */
  owner?: string;
  /** Runs in the transaction that creates the retry (adds its job). */
  withRetry?: (trx: Transaction<DatabaseSchema>, retry: Run) => Promise<void>;
  /** Retry only with the code the failed run kept (a worker has no experiment file to fall back on). */
  keptCodeOnly?: boolean;
}

/**
 * Creates the next attempt of failed run `runId`, or returns undefined when it is not
 * retried (see the top of the file) or another node already retried it.
 */
export async function createRetry(context: ServiceContext, runId: string, options: RetryOptions = {}): Promise<Run | undefined> {
  const failed = await getRun(context, runId);
  if (!shouldRetry(failed)) return undefined;
  const { db } = context.database;
  // The code the failed run executed, when it was kept whole; else the experiment's file as it is.
  const kept = failed.codeHash
    ? await db.selectFrom('code_snapshots').select(['hash', 'note']).where('hash', '=', failed.codeHash).executeTakeFirst()
    : undefined;
  const snapshot = kept && !kept.note ? kept.hash : null;
  if (options.keptCodeOnly && !snapshot) return undefined;
  return db.transaction().execute(async (trx) => {
    // pg-mem keeps the unique index but not ON CONFLICT on it: look first (Postgres and PGlite also rely on the index).
    if (await trx.selectFrom('runs').select('id').where('retry_of', '=', failed.id).executeTakeFirst()) return undefined;
    const row = await trx
      .insertInto('runs')
      .values({
        id: randomUUID(),
        instance_id: failed.instanceId,
        status: 'pending',
        error: null,
        progress: null,
        code_hash: snapshot,
        code_snapshot: snapshot,
        configuration: JSON.stringify(failed.configuration),
        configuration_inferred: failed.configurationInferred,
        instance_version: failed.instanceVersion,
        options: JSON.stringify(failed.options),
        agent: failed.agent,
        owner: options.owner ?? null,
        heartbeat_at: null,
        created_at: creationTime(context),
        started_at: null,
        completed_at: null,
        retries: failed.retries,
        attempt: failed.attempt + 1,
        retry_of: failed.id,
      })
      .onConflict((oc) => oc.column('retry_of').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const retry = toRun(row);
    await options.withRetry?.(trx, retry);
    return retry;
  });
}

/** The run that retries `runId` (its next attempt), if one was made. */
export async function getRetry(context: ServiceContext, runId: string): Promise<Run | undefined> {
  const row = await context.database.db.selectFrom('runs').selectAll().where('retry_of', '=', runId).executeTakeFirst();
  return row ? toRun(row) : undefined;
}
