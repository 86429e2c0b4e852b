/**
 * A run's logs and results: appended in batches (one multi-row insert per batch, never a
 * row at a time) and read back with a cursor. Each batch reserves its sequence numbers by
 * bumping the run's counter in the same transaction, so concurrent writers to one run
 * never lose or interleave rows, and readers paging by `after` never skip one.
 */
import type { Transaction } from 'kysely';
import { insertLogRows } from '../../storage/bulk-insert.ts';
import type { DatabaseSchema, NewRunResultRow } from '../../storage/database-schema.ts';
import { ConflictError, InputError, NotFoundError } from '../errors.ts';
import { LOG_LEVELS, type LogEntry, type LogLevel, type Page, type ResultEntry } from '../records.ts';
import { toJsonText, toStorableText } from '../runtime/json-value.ts';
import { toLogEntry, toResultEntry } from './row-mappers.ts';
import { deriveSeriesBatch, insertResultBatch, readSeriesCounters, settleResultBatch } from './run-metrics.ts';
import { checkId, type DatabaseHandle, type ServiceContext } from './service-context.ts';

export interface NewLogEntry {
  level: LogLevel;
  message: string;
  metadata?: unknown;
  /** When it was logged (ms since the epoch, ISO string or Date); defaults to now. */
  timestamp?: number | string | Date;
}

export interface NewResultEntry {
  key: string;
  value: unknown;
  recordedAt?: number | string | Date;
}

function toDate(value: number | string | Date | undefined, fallback: Date, what: string): Date {
  if (value === undefined) return fallback;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InputError(`${what}: ${JSON.stringify(value)} is not a valid time`);
  return date;
}

/** Reserves `count` sequence numbers of a running run; returns the first. */
async function reserve(
  trx: Transaction<DatabaseSchema>,
  runId: string,
  column: 'log_count' | 'result_count',
  count: number,
): Promise<number> {
  const row = await trx
    .updateTable('runs')
    .set((eb) => ({ [column]: eb(column, '+', count) }))
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .returning(column)
    .executeTakeFirst();
  if (row) return Number(row[column]) - count + 1;
  const run = await trx.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
  if (!run) throw new NotFoundError(`run ${runId} not found`);
  throw new ConflictError(`run ${runId} is ${run.status}: only a running run takes logs and results`);
}

/** A log entry already checked and encoded (metadata as JSON text), as the run kernel has it. */
export interface EncodedLogEntry {
  level: LogLevel;
  message: string;
  metadata: string | null;
  timestamp: Date;
}

/** A result already encoded (value as JSON text). */
export interface EncodedResultEntry {
  key: string;
  value: string;
  recordedAt: Date;
}

/** Appends log entries to a running run, in order; returns the sequence numbers used. */
export async function appendLogs(context: ServiceContext, runId: string, entries: readonly NewLogEntry[]) {
  const id = checkId(runId, 'run');
  const now = context.now();
  const encoded = entries.map((entry, i): EncodedLogEntry => {
    if (!LOG_LEVELS.includes(entry.level)) {
      throw new InputError(`logs[${i}].level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(entry.level)}`);
    }
    if (typeof entry.message !== 'string') throw new InputError(`logs[${i}].message must be a string`);
    return {
      level: entry.level,
      message: toStorableText(entry.message),
      metadata: entry.metadata === undefined || entry.metadata === null ? null : toJsonText(entry.metadata, `logs[${i}].metadata`),
      timestamp: toDate(entry.timestamp, now, `logs[${i}].timestamp`),
    };
  });
  return appendEncodedLogs(context, id, encoded);
}

/**
 * Appends rows to a running run in one transaction: reserves their sequence numbers on
 * the run row, then inserts them in one batch. Returns the sequence numbers used.
 */
async function appendInOrder<E, Row>(
  context: ServiceContext,
  runId: string,
  column: 'log_count' | 'result_count',
  entries: readonly E[],
  toRow: (entry: E, runId: string, seq: number) => Row,
  insert: (database: DatabaseHandle, rows: Row[]) => Promise<unknown>,
) {
  const id = checkId(runId, 'run');
  if (entries.length === 0) return { first: 0, last: 0 };
  return context.database.db.transaction().execute(async (trx) => {
    const first = await reserve(trx, id, column, entries.length);
    await insert({ kind: context.database.kind, db: trx }, entries.map((entry, i) => toRow(entry, id, first + i)));
    return { first, last: first + entries.length - 1 };
  });
}

function appendEncodedLogs(context: ServiceContext, runId: string, entries: readonly EncodedLogEntry[]) {
  const toRow = (entry: EncodedLogEntry, run_id: string, seq: number) => ({ run_id, seq, ...entry });
  return appendInOrder(context, runId, 'log_count', entries, toRow, insertLogRows);
}

/** Appends results to a running run. A repeated key adds a point to that key's series. */
export async function appendResults(context: ServiceContext, runId: string, entries: readonly NewResultEntry[]) {
  const id = checkId(runId, 'run');
  const now = context.now();
  const encoded = entries.map((entry, i): EncodedResultEntry => {
    if (typeof entry.key !== 'string' || entry.key === '' || entry.key.length > 500) {
      throw new InputError(`results[${i}].key must be a non-empty string of at most 500 characters`);
    }
    return {
      key: toStorableText(entry.key),
      value: toJsonText(entry.value, `result "${entry.key}"`),
      recordedAt: toDate(entry.recordedAt, now, `results[${i}].recordedAt`),
    };
  });
  return appendEncodedResults(context, id, encoded);
}

function appendEncodedResults(context: ServiceContext, runId: string, entries: readonly EncodedResultEntry[]) {
  const toRow = ({ key, value, recordedAt }: EncodedResultEntry, run_id: string, seq: number): NewRunResultRow => ({ run_id, seq, key, value, recorded_at: recordedAt });
  // The run row is locked (its counter was just reserved): the series counters read here are the run's.
  const insert = async (database: DatabaseHandle, rows: NewRunResultRow[]) => {
    const counters = await readSeriesCounters(database, runId, entries.map((entry) => entry.key));
    const series = deriveSeriesBatch(entries, counters);
    await insertResultBatch(database, runId, rows, series);
    await settleResultBatch(database, runId, series, rows[0]!.seq);
  };
  return appendInOrder(context, runId, 'result_count', entries, toRow, insert);
}

async function checkRunExists(context: ServiceContext, id: string): Promise<void> {
  const run = await context.database.db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
  if (!run) throw new NotFoundError(`run ${id} not found`);
}

/** The largest sequence number: the `integer` column's maximum. */
const MAX_SEQ = 2_147_483_647;

/** A sequence number to read after (or up to), 0 to {@link MAX_SEQ} (past it Postgres refuses the query). */
function checkAfter(after: number, name = 'after'): number {
  if (!Number.isInteger(after) || after < 0 || after > MAX_SEQ) {
    throw new InputError(`${name} must be a sequence number from 0 to ${MAX_SEQ}, got ${after}`);
  }
  return after;
}

/** `until`, checked, when given. */
const checkUntil = (until: number | undefined) => (until === undefined ? undefined : checkAfter(until, 'until'));

function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new InputError(`limit must be a whole number from 1 to ${max}, got ${limit}`);
  return limit;
}

export interface ReadLogsOptions {
  /** Only entries with a sequence number above this (the `next` of the previous page). */
  after?: number;
  /**
   * Only entries with a sequence number up to this. A reader that walks a run in windows
   * (`after`, `after + n`] (the export) asks Postgres for a bounded range, which it answers
   * from the index even before it has statistics on a freshly written run; `seq > after`
   * alone then had it read every later row for each page.
   */
  until?: number;
  /** Only these levels. */
  levels?: readonly LogLevel[];
  /** Page size, 1 to 10,000 (default 1,000). */
  limit?: number;
}

/** A page of a run's logs in order; `next` is the `after` of the following page. */
export async function readLogs(context: ServiceContext, runId: string, options: ReadLogsOptions = {}): Promise<Page<LogEntry>> {
  const id = checkId(runId, 'run');
  const after = checkAfter(options.after ?? 0);
  const until = checkUntil(options.until);
  const limit = checkLimit(options.limit ?? 1000, 10_000);
  for (const level of options.levels ?? []) {
    if (!LOG_LEVELS.includes(level)) throw new InputError(`level must be among ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
  }
  const rows = await context.database.db
    .selectFrom('run_logs')
    .select(['seq', 'level', 'message', 'metadata', 'timestamp'])
    .where('run_id', '=', id)
    .where('seq', '>', after)
    .$if(until !== undefined, (q) => q.where('seq', '<=', until!))
    .$if(options.levels !== undefined && options.levels.length > 0, (q) => q.where('level', 'in', options.levels!))
    .orderBy('seq')
    .limit(limit)
    .execute();
  if (rows.length === 0) await checkRunExists(context, id);
  const items = rows.map(toLogEntry);
  return { items, next: items.length === limit ? String(items[items.length - 1]!.seq) : null };
}

export interface ReadResultsOptions {
  /** `latest`: one entry per key, its last value (sorted by key). `series` (default): every point in order. */
  view?: 'latest' | 'series';
  key?: string;
  after?: number;
  /** Only points with a sequence number up to this (see {@link ReadLogsOptions.until}). */
  until?: number;
  limit?: number;
}

/** The latest result of each key (or of `key` only) of each of `runIds`, in one query, by run and key. */
function latestResultRows(context: ServiceContext, runIds: readonly string[], key?: string) {
  return context.database.db
    .selectFrom('run_results')
    .select(['run_id', 'seq', 'key', 'value', 'recorded_at'])
    .distinctOn(['run_id', 'key'])
    .where('run_id', 'in', runIds)
    .$if(key !== undefined, (q) => q.where('key', '=', key!))
    .orderBy('run_id')
    .orderBy('key')
    .orderBy('seq', 'desc')
    .execute();
}

/** Each run's latest value per key (a comparison's results), read at once: run id → key → value. */
export async function latestResultValues(context: ServiceContext, runIds: readonly string[]): Promise<Map<string, Map<string, unknown>>> {
  const latest = new Map(runIds.map((id) => [id, new Map<string, unknown>()]));
  if (runIds.length === 0) return latest;
  for (const row of await latestResultRows(context, runIds)) latest.get(row.run_id)?.set(row.key, toResultEntry(row).value);
  return latest;
}

/** A run's results: every point in order, or the latest value per key. */
export async function readResults(context: ServiceContext, runId: string, options: ReadResultsOptions = {}): Promise<Page<ResultEntry>> {
  const id = checkId(runId, 'run');
  const { db } = context.database;
  if (options.view === 'latest') {
    if (options.after !== undefined || options.limit !== undefined || options.until !== undefined) {
      throw new InputError('view=latest gives the latest value of every key at once: it takes key, not after or limit');
    }
    const rows = await latestResultRows(context, [id], options.key);
    if (rows.length === 0) await checkRunExists(context, id);
    return { items: rows.map(toResultEntry), next: null };
  }
  if (options.view !== undefined && options.view !== 'series') {
    throw new InputError(`view must be "latest" or "series", got ${JSON.stringify(options.view)}`);
  }
  const after = checkAfter(options.after ?? 0);
  const until = checkUntil(options.until);
  const limit = checkLimit(options.limit ?? 1000, 10_000);
  const rows = await db
    .selectFrom('run_results')
    .select(['seq', 'key', 'value', 'recorded_at'])
    .where('run_id', '=', id)
    .where('seq', '>', after)
    .$if(until !== undefined, (q) => q.where('seq', '<=', until!))
    .$if(options.key !== undefined, (q) => q.where('key', '=', options.key!))
    .orderBy('seq')
    .limit(limit)
    .execute();
  if (rows.length === 0) await checkRunExists(context, id);
  const items = rows.map(toResultEntry);
  return { items, next: items.length === limit ? String(items[items.length - 1]!.seq) : null };
}
