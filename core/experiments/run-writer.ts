/**
 * A running run's writer: the run server's way to store the run's output, a batch at a
 * time, with the next batch's insert under way while the previous one commits.
 *
 * Why: one COPY per batch, each awaited, leaves Postgres idle between batches (the
 * statement's start, its commit, the next batch's first rows on the wire), about a fifth
 * of the time a single stream takes (`npm run bench -- storage`). Two batches in flight
 * on two connections keep it busy. Batches still commit in the order they were given, so
 * a reader paging by `after` never sees batch k+1 before batch k, and never skips a row.
 *
 * Sequence numbers are the writer's: it reads the run's counters once, numbers each batch
 * as it is given, and moves the counter in the batch's own transaction, after the previous
 * batch has committed, only if the counter is where this batch expects it. So another
 * writer to the same run (or a run that stopped running) makes a batch fail, never
 * interleave, and every later batch fails with it.
 *
 * Results also number the points of their keys' series (run-metrics.ts), from counters
 * read once and carried from batch to batch like the sequence numbers; each batch's
 * upserts of latest values and block extremes run after the batch before has committed.
 */
import { insertLogRows } from '../../storage/bulk-insert.ts';
import type { NewRunLogRow, NewRunResultRow } from '../../storage/database-schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { EncodedLogEntry, EncodedResultEntry } from './run-data.ts';
import { insertResultBatch, readSeriesCounters, seriesNumbering, settleResultBatch } from './run-metrics.ts';
import { checkId, type DatabaseHandle, type ServiceContext } from './service-context.ts';

/** The sequence numbers a batch took (`{first: 0, last: 0}` for an empty batch). */
export interface SeqRange {
  first: number;
  last: number;
}

export interface RunWriter {
  /** Stores a batch of logs; may be called again before it settles. Resolves once committed. */
  appendLogs(entries: readonly EncodedLogEntry[]): Promise<SeqRange>;
  /** Stores a batch of results, like {@link RunWriter.appendLogs}. */
  appendResults(entries: readonly EncodedResultEntry[]): Promise<SeqRange>;
}

type Counter = 'log_count' | 'result_count';

/**
 * How one batch is stored, made when the batch is given: `insert` may run while earlier
 * batches are still in flight; `settle` runs once the batch before has committed.
 */
interface BatchStore {
  insert(database: DatabaseHandle, firstSeq: number): Promise<void>;
  settle?(database: DatabaseHandle, firstSeq: number): Promise<void>;
}

/** Appends batches to one of a run's series (its logs or its results), committed in order. */
function orderedAppender<E>(
  context: ServiceContext,
  runId: string,
  column: Counter,
  prepare: (entries: readonly E[]) => BatchStore,
): (entries: readonly E[]) => Promise<SeqRange> {
  const { database } = context;
  // Only Postgres has connections to overlap on; PGlite and pg-mem share one in turn.
  const overlaps = database.kind === 'postgres';
  let nextSeq: Promise<number> | undefined;
  let previous: Promise<unknown> = Promise.resolve();

  /** One batch's transaction: insert, wait for the batch before to commit, move the counter, settle. */
  const store = (batchStore: BatchStore, count: number, first: number, before: Promise<unknown>) =>
    database.db.transaction().execute(async (trx): Promise<SeqRange> => {
      const last = first + count - 1;
      const handle = { kind: database.kind, db: trx };
      await batchStore.insert(handle, first);
      await before; // commit in order: a failed batch fails every later one
      const moved = await trx
        .updateTable('runs')
        .set({ [column]: last })
        .where('id', '=', runId)
        .where('status', '=', 'running')
        .where(column, '=', first - 1)
        .returning(column)
        .executeTakeFirst();
      if (!moved) await explainRefusal(trx, runId, column, first - 1);
      await batchStore.settle?.(handle, first);
      return { first, last };
    });

  return (entries) => {
    if (entries.length === 0) return Promise.resolve({ first: 0, last: 0 });
    const batchStore = prepare(entries);
    const firstSeq = nextSeq ?? readCounter(database, runId, column).then((counter) => counter + 1);
    nextSeq = firstSeq.then((first) => first + entries.length);
    nextSeq.catch(() => {}); // its failure is reported by the batch that awaits it
    const before = previous;
    const batch = (async () => {
      const first = await firstSeq;
      if (!overlaps) await before;
      try {
        return await store(batchStore, entries.length, first, before);
      } catch (error) {
        // These numbers are taken: another writer got in. Say so once the batch before
        // has settled (its own failure comes first).
        if (!isUniqueViolation(error)) throw error;
        await before;
        return explainRefusal(database.db, runId, column, first - 1);
      }
    })();
    previous = batch;
    return batch;
  };
}

/** A duplicate key (Postgres' SQLSTATE 23505; pg-mem says it in words). */
const isUniqueViolation = (error: unknown) =>
  (error as { code?: unknown })?.code === '23505' || /duplicate key/i.test((error as Error)?.message ?? '');

async function readCounter(database: DatabaseHandle, runId: string, column: Counter): Promise<number> {
  const run = await database.db.selectFrom('runs').select(column).where('id', '=', runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  return Number(run[column]);
}

/** Throws why a batch could not move the run's counter: no run, not running, or another writer. */
async function explainRefusal(trx: DatabaseHandle['db'], runId: string, column: Counter, expected: number): Promise<never> {
  const run = await trx.selectFrom('runs').select(['status', column]).where('id', '=', runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  if (run.status !== 'running') throw new ConflictError(`run ${runId} is ${run.status}: only a running run takes logs and results`);
  throw new ConflictError(`run ${runId}: another writer appended to its ${column === 'log_count' ? 'logs' : 'results'} (${column} is ${run[column]}, expected ${expected})`);
}

/**
 * The writer of a running run. Give it the run's batches in order; it may have several in
 * flight (the caller bounds how many), and they commit in that order.
 *
 * @example
 * const writer = service.createRunWriter(run.id);
 * const [a, b] = await Promise.all([writer.appendLogs(batch1), writer.appendLogs(batch2)]);
 */
export function createRunWriter(context: ServiceContext, runId: string): RunWriter {
  const id = checkId(runId, 'run');
  const numberSeries = seriesNumbering(() => readSeriesCounters(context.database, id));
  return {
    appendLogs: orderedAppender(context, id, 'log_count', (entries: readonly EncodedLogEntry[]) => ({
      insert: (database, first) => insertLogRows(database, entries.map((entry, i): NewRunLogRow => ({ run_id: id, seq: first + i, ...entry }))).then(() => {}),
    })),
    appendResults: orderedAppender(context, id, 'result_count', (entries: readonly EncodedResultEntry[]) => {
      const series = numberSeries(entries);
      series.catch(() => {}); // reported by the batch's insert
      const rows = (first: number) =>
        entries.map(({ key, value, recordedAt }, i): NewRunResultRow => ({ run_id: id, seq: first + i, key, value, recorded_at: recordedAt }));
      return {
        insert: async (database, first) => insertResultBatch(database, id, rows(first), await series),
        settle: async (database, first) => settleResultBatch(database, id, await series, first),
      };
    }),
  };
}
