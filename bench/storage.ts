/**
 * `npm run bench -- storage`: log ingestion on each backend as the run server stores a
 * run's output (the run's writer, `createRunWriter`), beside its ceiling measured in the
 * same run: `COPY run_logs FROM STDIN` (pg-copy-streams) of the same rows into the same
 * Postgres table.
 *
 * - 200,000 log entries (level, a ~60-character message, a small metadata object, a
 *   timestamp) for one run, 5,000 a batch, as the run server's buffer flushes a busy run
 *   (its batch size; with many runs at once the batches are smaller), at most 2 batches
 *   under way, as the buffer keeps them;
 * - Postgres: one streaming COPY, one COPY per batch, `insertLogRows` one batch at a time
 *   (each awaited: what any writer that waits for each batch can reach) and the run
 *   writer alternate, 5 rounds, each into a fresh run; the median of each is reported
 *   (one schema, dropped afterwards);
 * - PGlite: a fresh folder (its ~2.5 s initdb is not timed); pg-mem: 20,000 rows only, as
 *   it is two orders of magnitude slower and a test tool, not a production backend.
 *
 * Targets: Postgres backend ≥ 0.85 of COPY; PGlite ≥ 0.35 of the Postgres backend.
 * Env: ATHANOR_BENCH_DATABASE_URL ?? ATHANOR_TEST_DATABASE_URL ?? postgres://postgres@127.0.0.1:5432/test;
 * ATHANOR_BENCH_STORAGE_ROWS and ATHANOR_BENCH_STORAGE_BATCH to change the row count and batch size.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { insertLogRows } from '../storage/bulk-insert.ts';
import type { LogLevel, NewRunLogRow } from '../storage/database-schema.ts';
import { copyText } from '../storage/copy-rows.ts';
import { FLUSH_BATCH_SIZE } from '../core/run-output/output-buffer.ts';
import { openDatabase, type Database } from '../storage/open-database.ts';
import { createExperimentsService } from '../core/experiments-service.ts';
import { withBenchSchema } from './bench-postgres.ts';

const ROWS = Number(process.env.ATHANOR_BENCH_STORAGE_ROWS ?? 200_000);
const MEMORY_ROWS = Math.min(ROWS, 20_000);
const BATCH = Number(process.env.ATHANOR_BENCH_STORAGE_BATCH ?? FLUSH_BATCH_SIZE);
const ROUNDS = 5; // the COPY ceiling alone varies by a fifth from round to round here
/** Batches under way at once, as the run server's buffer keeps them (its `maxInFlight`). */
const IN_FLIGHT = 2;

interface Entry {
  level: LogLevel;
  message: string;
  metadata: Record<string, unknown>;
  timestamp: Date;
}

/** Realistic entries: mostly info, ~60-character messages, small metadata. */
function makeEntries(count: number): Entry[] {
  const levels: LogLevel[] = ['info', 'info', 'info', 'debug', 'warn', 'error'];
  const start = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    level: levels[i % levels.length]!,
    message: `iteration ${i} of ${count}: loss=${(1 / (i + 1)).toFixed(6)} lr=0.001 ok`.padEnd(60, '.'),
    metadata: { i, epoch: Math.floor(i / 1000), phase: i % 2 ? 'train' : 'eval' },
    timestamp: new Date(start + i),
  }));
}

/** The entries of batch `offset`, encoded as the run server has them (metadata as JSON text). */
const encodeBatch = (entries: readonly Entry[], offset: number) =>
  entries.slice(offset, offset + BATCH).map((entry) => ({ ...entry, metadata: JSON.stringify(entry.metadata) }));

/**
 * Appends `entries` to run `runId` as the run server does: through the run's writer,
 * BATCH entries a batch, with at most IN_FLIGHT batches under way (the next is encoded
 * while earlier ones are stored); returns seconds.
 */
async function ingest(database: Database, runId: string, entries: readonly Entry[]): Promise<number> {
  const writer = createExperimentsService({ database, definitions: () => undefined }).createRunWriter(runId);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let offset = 0; offset < entries.length; offset += BATCH) {
    const batch = encodeBatch(entries, offset);
    if (inFlight.length === IN_FLIGHT) await inFlight.shift();
    inFlight.push(writer.appendLogs(batch));
  }
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}

/** Appends `entries` through insertLogRows, one batch at a time, each awaited; returns seconds. */
async function ingestOneByOne(database: Database, runId: string, entries: readonly Entry[]): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < entries.length; offset += BATCH) {
    const rows: NewRunLogRow[] = encodeBatch(entries, offset).map((entry, i) => ({ run_id: runId, seq: offset + i + 1, ...entry }));
    await insertLogRows(database, rows);
  }
  return (performance.now() - started) / 1000;
}

/** One COPY text line per entry. */
const copyLine = (runId: string, seq: number, entry: Entry) =>
  `${runId}\t${seq}\t${entry.level}\t${copyText(entry.message)}\t${copyText(JSON.stringify(entry.metadata))}\t${entry.timestamp.toISOString()}\n`;

const COPY_SQL = 'copy run_logs (run_id, seq, level, message, metadata, "timestamp") from stdin';

/** The same rows through one streaming `COPY … FROM STDIN`, built from the same entries; returns seconds. */
async function copy(client: pg.Client, runId: string, entries: readonly Entry[]): Promise<number> {
  const started = performance.now();
  function* chunks() {
    for (let offset = 0; offset < entries.length; offset += BATCH) {
      let chunk = '';
      const end = Math.min(offset + BATCH, entries.length);
      for (let i = offset; i < end; i++) chunk += copyLine(runId, i + 1, entries[i]!);
      yield chunk;
    }
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(COPY_SQL)));
  return (performance.now() - started) / 1000;
}

/** One COPY per batch, each awaited (the best any batch-at-a-time writer can do); returns seconds. */
async function copyBatched(client: pg.Client, runId: string, entries: readonly Entry[]): Promise<number> {
  const started = performance.now();
  for (let offset = 0; offset < entries.length; offset += BATCH) {
    let chunk = '';
    const end = Math.min(offset + BATCH, entries.length);
    for (let i = offset; i < end; i++) chunk += copyLine(runId, i + 1, entries[i]!);
    await pipeline(Readable.from([chunk]), client.query(copyFrom(COPY_SQL)));
  }
  return (performance.now() - started) / 1000;
}

/** A new instance and run to append to. */
async function newRun(database: Database): Promise<string> {
  const now = new Date();
  const instanceId = randomUUID();
  const runId = randomUUID();
  await database.db.insertInto('instances').values({ id: instanceId, experiment: 'bench', name: instanceId, configuration: '{}', created_at: now, updated_at: now }).execute();
  await database.db.insertInto('runs').values({ id: runId, instance_id: instanceId, status: 'running', options: '{}', created_at: now }).execute();
  return runId;
}

async function countRows(database: Database, runId: string): Promise<number> {
  const row = await database.db.selectFrom('run_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkCount(database: Database, runId: string, expected: number, what: string): Promise<void> {
  const found = await countRows(database, runId);
  if (found !== expected) throw new Error(`${what}: expected ${expected} rows, found ${found}`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Postgres: COPY and the backend, alternating, in a schema of their own. */
async function benchPostgres(entries: readonly Entry[]): Promise<{ copy: number; copyBatched: number; oneByOne: number; backend: number }> {
  return withBenchSchema((url, schema) => benchPostgresIn(url, schema, entries));
}

async function benchPostgresIn(url: string, schema: string, entries: readonly Entry[]) {
  const database = await openDatabase(url, { poolSize: IN_FLIGHT + 1 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const copies: number[] = [];
    const batchedCopies: number[] = [];
    const ours: number[] = [];
    const oneByOne: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const copyRun = await newRun(database);
      copies.push(await copy(client, copyRun, entries));
      await checkCount(database, copyRun, entries.length, 'COPY');
      const batchedRun = await newRun(database);
      batchedCopies.push(await copyBatched(client, batchedRun, entries));
      await checkCount(database, batchedRun, entries.length, 'batched COPY');
      const ourRun = await newRun(database);
      ours.push(await ingest(database, ourRun, entries));
      await checkCount(database, ourRun, entries.length, 'postgres backend');
      const oneByOneRun = await newRun(database);
      oneByOne.push(await ingestOneByOne(database, oneByOneRun, entries));
      await checkCount(database, oneByOneRun, entries.length, 'insertLogRows one batch at a time');
      await database.db.deleteFrom('instances').execute();
      await client.query(`vacuum ${schema}.run_logs`);
    }
    return { copy: median(copies), copyBatched: median(batchedCopies), oneByOne: median(oneByOne), backend: median(ours) };
  } finally {
    await client.end();
    await database.close();
  }
}

async function benchPglite(entries: readonly Entry[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-bench-'));
  try {
    const database = await openDatabase(`pglite:${join(dir, 'db')}`);
    try {
      const runId = await newRun(database);
      const seconds = await ingest(database, runId, entries);
      await checkCount(database, runId, entries.length, 'pglite backend');
      return seconds;
    } finally {
      await database.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchMemory(entries: readonly Entry[]): Promise<number> {
  const database = await openDatabase('memory');
  try {
    const runId = await newRun(database);
    const seconds = await ingest(database, runId, entries);
    await checkCount(database, runId, entries.length, 'memory backend');
    return seconds;
  } finally {
    await database.close();
  }
}

/** Runs the storage benchmark, prints its table and returns its figures. */
export default async function storageBench(): Promise<Record<string, number>> {
  const entries = makeEntries(ROWS);
  const postgres = await benchPostgres(entries);
  const pglite = await benchPglite(entries);
  const memory = await benchMemory(entries.slice(0, MEMORY_ROWS));

  const rate = (rows: number, seconds: number) => Math.round(rows / seconds);
  const copyRate = rate(ROWS, postgres.copy);
  const batchedRate = rate(ROWS, postgres.copyBatched);
  const postgresRate = rate(ROWS, postgres.backend);
  const oneByOneRate = rate(ROWS, postgres.oneByOne);
  const pgliteRate = rate(ROWS, pglite);
  const memoryRate = rate(MEMORY_ROWS, memory);
  const ratio = (a: number, b: number) => +(a / b).toFixed(3);
  const figures = {
    rows: ROWS,
    batch: BATCH,
    copy_rows_per_s: copyRate,
    postgres_rows_per_s: postgresRate,
    postgres_vs_copy: ratio(postgresRate, copyRate),
    copy_batched_rows_per_s: batchedRate,
    postgres_vs_copy_batched: ratio(postgresRate, batchedRate),
    one_batch_at_a_time_rows_per_s: oneByOneRate,
    one_batch_at_a_time_vs_copy: ratio(oneByOneRate, copyRate),
    pglite_rows_per_s: pgliteRate,
    pglite_vs_postgres: ratio(pgliteRate, postgresRate),
    memory_rows: MEMORY_ROWS,
    memory_rows_per_s: memoryRate,
  };

  const line = (rows: number, seconds: number, rowsPerS: number, vsCopy: string, vsPostgres: string) => ({
    rows: rows.toLocaleString('en'),
    seconds: +seconds.toFixed(3),
    'rows/s': rowsPerS.toLocaleString('en'),
    'vs COPY': vsCopy,
    'vs postgres backend': vsPostgres,
  });
  console.log(`\nstorage benchmark: ${ROWS.toLocaleString('en')} log entries, ${BATCH.toLocaleString('en')} a batch, ${IN_FLIGHT} in flight (Postgres: median of ${ROUNDS})`);
  console.table({
    'COPY FROM STDIN (ceiling)': line(ROWS, postgres.copy, copyRate, '1.000', ''),
    [`COPY, one per ${BATCH.toLocaleString('en')} rows`]: line(ROWS, postgres.copyBatched, batchedRate, ratio(batchedRate, copyRate).toString(), ''),
    [`postgres backend (${IN_FLIGHT} batches in flight)`]: line(ROWS, postgres.backend, postgresRate, `${figures.postgres_vs_copy} (target ≥ 0.85)`, '1.000'),
    'postgres, one batch at a time': line(ROWS, postgres.oneByOne, oneByOneRate, figures.one_batch_at_a_time_vs_copy.toString(), ratio(oneByOneRate, postgresRate).toString()),
    'pglite backend': line(ROWS, pglite, pgliteRate, ratio(pgliteRate, copyRate).toString(), `${figures.pglite_vs_postgres} (target ≥ 0.35)`),
    [`memory backend (${MEMORY_ROWS.toLocaleString('en')} rows only)`]: line(MEMORY_ROWS, memory, memoryRate, ratio(memoryRate, copyRate).toString(), ratio(memoryRate, postgresRate).toString()),
  });
  return figures;
}
