/**
 * Batched inserts of run logs and results: the run server's buffer flushes through here,
 * so appending is one statement per batch, never a row at a time.
 *
 * - Postgres and PGlite: one `COPY` per batch, on the caller's connection (copy-rows.ts;
 *   measured faster than `insert … select * from unnest(…)` by a fifth or more).
 * - pg-mem has no COPY: its table API, bypassing its slow SQL parser (memory-backend.ts).
 *
 * Rows are taken as the service builds them: `metadata`/`value` as JSON text (or null for
 * metadata), times as Dates or ISO strings. JSON text goes to Postgres as text and is
 * parsed there, so what is read back is exactly `JSON.parse(text)`.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema, NewRunLogRow, NewRunPointRow, NewRunResultRow } from './database-schema.ts';
import { copyRows, copyText } from './copy-rows.ts';
import type { DatabaseHandle } from './open-database.ts';

const LOG_COLUMNS = ['run_id', 'seq', 'level', 'message', 'metadata', 'timestamp'] as const;
const RESULT_COLUMNS = ['run_id', 'seq', 'key', 'value', 'recorded_at'] as const;
const POINT_COLUMNS = ['run_id', 'key', 'step', 'value', 'recorded_at'] as const;

/** pg-mem's module, loaded only by a process that uses the `memory` backend. */
const memoryBackend = () => import('./backends/memory-backend.ts');

const toTime = (value: Date | string): string => (value instanceof Date ? value.toISOString() : value);

/** Rows as COPY text, a chunk of lines at a time, made as the COPY sends them. */
function* copyChunks<Row>(rows: readonly Row[], line: (row: Row) => string): Generator<string> {
  for (let start = 0; start < rows.length; start += 1_000) {
    let chunk = '';
    const end = Math.min(start + 1_000, rows.length);
    for (let i = start; i < end; i++) chunk += line(rows[i]!);
    yield chunk;
  }
}

const e = copyText;

const logLine = (row: NewRunLogRow) =>
  `${e(row.run_id)}\t${row.seq}\t${e(row.level)}\t${e(row.message)}\t${e(row.metadata ?? null)}\t${e(toTime(row.timestamp))}\n`;

const resultLine = (row: NewRunResultRow) =>
  `${e(row.run_id)}\t${row.seq}\t${e(row.key)}\t${e(row.value)}\t${e(toTime(row.recorded_at))}\n`;

// A finite double's shortest round-trip text (`String`), which Postgres reads back exactly.
const pointLine = (row: NewRunPointRow) =>
  `${e(row.run_id)}\t${e(row.key)}\t${row.step}\t${String(row.value)}\t${e(toTime(row.recorded_at))}\n`;

const copyLogs = (db: Kysely<DatabaseSchema>, rows: readonly NewRunLogRow[]) =>
  copyRows(db, 'run_logs', LOG_COLUMNS, copyChunks(rows, logLine));

const copyResults = (db: Kysely<DatabaseSchema>, rows: readonly NewRunResultRow[]) =>
  copyRows(db, 'run_results', RESULT_COLUMNS, copyChunks(rows, resultLine));

const copyPoints = (db: Kysely<DatabaseSchema>, rows: readonly NewRunPointRow[]) =>
  copyRows(db, 'run_points', POINT_COLUMNS, copyChunks(rows, pointLine));

/**
 * Inserts log rows in as few statements as possible: one COPY on Postgres and PGlite; one
 * call of pg-mem's table API on pg-mem. All or nothing. Returns the number of rows.
 * Sequence numbers are the caller's: reserve them by bumping `runs.log_count` in the same
 * transaction.
 *
 * @example
 * await db.transaction().execute((trx) => insertLogRows({ kind: database.kind, db: trx }, rows));
 */
export async function insertLogRows(database: DatabaseHandle, rows: readonly NewRunLogRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (database.kind === 'memory') await (await memoryBackend()).insertRows(database.db, 'run_logs', rows);
  else await copyLogs(database.db, rows);
  return rows.length;
}

/** Inserts result rows like {@link insertLogRows}; `value` is JSON text. Returns the number of rows. */
export async function insertResultRows(database: DatabaseHandle, rows: readonly NewRunResultRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (database.kind === 'memory') await (await memoryBackend()).insertRows(database.db, 'run_results', rows);
  else await copyResults(database.db, rows);
  return rows.length;
}

/**
 * Inserts series points (`run_points`) like {@link insertLogRows}; each `value` a finite
 * number. Returns the number of rows.
 */
export async function insertPointRows(database: DatabaseHandle, rows: readonly NewRunPointRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (database.kind === 'memory') await (await memoryBackend()).insertRows(database.db, 'run_points', rows);
  else await copyPoints(database.db, rows);
  return rows.length;
}
