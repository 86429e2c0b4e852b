/**
 * Batched inserts of run logs and results: the run server's buffer flushes through here,
 * so appending is one statement per batch, never a row at a time.
 *
 * - Postgres: one `COPY … FROM STDIN` per batch, on the caller's connection (see
 *   postgres-copy.ts; measured faster than `unnest` by a fifth or more).
 * - PGlite: one `insert … select * from unnest($1::uuid[], …)`: one bind parameter per
 *   column whatever the row count, one plan.
 * - pg-mem cannot `unnest` several arrays: multi-row `insert … values` (memory-backend.ts).
 *
 * Rows are taken as the service builds them: `metadata`/`value` as JSON text (or null for
 * metadata), times as Dates or ISO strings. JSON text goes to Postgres as text and is
 * parsed there, so what is read back is exactly `JSON.parse(text)`.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema, NewRunLogRow, NewRunResultRow } from './database-schema.ts';
import type { DatabaseHandle } from './open-database.ts';

const LOG_COLUMNS = ['run_id', 'seq', 'level', 'message', 'metadata', 'timestamp'] as const;
const RESULT_COLUMNS = ['run_id', 'seq', 'key', 'value', 'recorded_at'] as const;

/** Rows per `unnest` statement: bounds one statement's size; callers' batches are smaller. */
const ROWS_PER_STATEMENT = 10_000;

/** pg-mem's module, loaded only by a process that uses the `memory` backend. */
const memoryBackend = () => import('./backends/memory-backend.ts');
/** pg and pg-copy-streams, loaded only by a process that uses the `postgres` backend. */
const postgresCopy = () => import('./backends/postgres-copy.ts');

type Escape = (value: string | null) => string;

const toTime = (value: Date | string): string => (value instanceof Date ? value.toISOString() : value);

/** Runs `insert` over chunks of `rows`, in one transaction when there are several. */
async function inChunks<Row>(
  db: Kysely<DatabaseSchema>,
  rows: readonly Row[],
  insert: (target: Kysely<DatabaseSchema>, chunk: readonly Row[]) => Promise<void>,
): Promise<void> {
  if (rows.length <= ROWS_PER_STATEMENT) return insert(db, rows);
  const all = async (target: Kysely<DatabaseSchema>) => {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      await insert(target, rows.slice(start, start + ROWS_PER_STATEMENT));
    }
  };
  if (db.isTransaction) await all(db);
  else await db.transaction().execute(all);
}

async function unnestLogs(db: Kysely<DatabaseSchema>, rows: readonly NewRunLogRow[]): Promise<void> {
  const n = rows.length;
  const runIds = new Array<string>(n);
  const seqs = new Array<number>(n);
  const levels = new Array<string>(n);
  const messages = new Array<string>(n);
  const metadata = new Array<string | null>(n);
  const timestamps = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    runIds[i] = row.run_id;
    seqs[i] = row.seq;
    levels[i] = row.level;
    messages[i] = row.message;
    metadata[i] = row.metadata ?? null;
    timestamps[i] = toTime(row.timestamp);
  }
  await sql`insert into run_logs (run_id, seq, level, message, metadata, "timestamp")
    select * from unnest(${runIds}::uuid[], ${seqs}::int4[], ${levels}::text[], ${messages}::text[],
                         ${metadata}::jsonb[], ${timestamps}::timestamptz[])`.execute(db);
}

async function unnestResults(db: Kysely<DatabaseSchema>, rows: readonly NewRunResultRow[]): Promise<void> {
  const n = rows.length;
  const runIds = new Array<string>(n);
  const seqs = new Array<number>(n);
  const keys = new Array<string>(n);
  const values = new Array<string>(n);
  const recordedAt = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    runIds[i] = row.run_id;
    seqs[i] = row.seq;
    keys[i] = row.key;
    values[i] = row.value;
    recordedAt[i] = toTime(row.recorded_at);
  }
  await sql`insert into run_results (run_id, seq, key, value, recorded_at)
    select * from unnest(${runIds}::uuid[], ${seqs}::int4[], ${keys}::text[], ${values}::jsonb[],
                         ${recordedAt}::timestamptz[])`.execute(db);
}

/** Rows as COPY text, a chunk of lines at a time, made as the COPY sends them. */
function* copyChunks<Row>(rows: readonly Row[], line: (row: Row) => string): Generator<string> {
  for (let start = 0; start < rows.length; start += 1_000) {
    let chunk = '';
    const end = Math.min(start + 1_000, rows.length);
    for (let i = start; i < end; i++) chunk += line(rows[i]!);
    yield chunk;
  }
}

const logLine = (row: NewRunLogRow, e: Escape) =>
  `${e(row.run_id)}\t${row.seq}\t${e(row.level)}\t${e(row.message)}\t${e(row.metadata ?? null)}\t${e(toTime(row.timestamp))}\n`;

const resultLine = (row: NewRunResultRow, e: Escape) =>
  `${e(row.run_id)}\t${row.seq}\t${e(row.key)}\t${e(row.value)}\t${e(toTime(row.recorded_at))}\n`;

async function copyLogs(db: Kysely<DatabaseSchema>, rows: readonly NewRunLogRow[]): Promise<void> {
  const { copyRows, copyText } = await postgresCopy();
  await copyRows(db, 'run_logs', LOG_COLUMNS, copyChunks(rows, (row) => logLine(row, copyText)));
}

async function copyResults(db: Kysely<DatabaseSchema>, rows: readonly NewRunResultRow[]): Promise<void> {
  const { copyRows, copyText } = await postgresCopy();
  await copyRows(db, 'run_results', RESULT_COLUMNS, copyChunks(rows, (row) => resultLine(row, copyText)));
}

/**
 * Inserts log rows in as few statements as possible: one COPY on Postgres; one statement
 * per 10,000 rows on PGlite and per 1,000 on pg-mem, several run in one transaction unless
 * `database.db` already is one. All or nothing. Returns the number of rows.
 * Sequence numbers are the caller's: reserve them by bumping `runs.log_count` in the same
 * transaction.
 *
 * @example
 * await db.transaction().execute((trx) => insertLogRows({ kind: database.kind, db: trx }, rows));
 */
export async function insertLogRows(database: DatabaseHandle, rows: readonly NewRunLogRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (database.kind === 'memory') await (await memoryBackend()).insertRowsWithoutUnnest(database.db, 'run_logs', rows);
  else if (database.kind === 'postgres') await copyLogs(database.db, rows);
  else await inChunks(database.db, rows, unnestLogs);
  return rows.length;
}

/** Inserts result rows like {@link insertLogRows}; `value` is JSON text. Returns the number of rows. */
export async function insertResultRows(database: DatabaseHandle, rows: readonly NewRunResultRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (database.kind === 'memory') await (await memoryBackend()).insertRowsWithoutUnnest(database.db, 'run_results', rows);
  else if (database.kind === 'postgres') await copyResults(database.db, rows);
  else await inChunks(database.db, rows, unnestResults);
  return rows.length;
}
