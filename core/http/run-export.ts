/**
 * A run's export: one JSON document (the run with its instance, experiment, configuration
 * and code hash, then every log line and result), or one CSV table (`logs` or `results`).
 * Streamed a window of rows at a time from storage and written as the socket drains, so
 * memory stays flat however many lines a run has; a client that goes away stops the
 * reading. It holds the lines its `run` record counts (`logCount`, `resultCount` when the
 * export began): a running run's later output is left for the next export.
 */
import type { ServerResponse } from 'node:http';
import type { ExperimentsService } from '../experiments-service.ts';
import type { LogEntry, ResultEntry } from '../records.ts';
import { HttpError } from './http-errors.ts';

export const EXPORT_FORMATS = ['json', 'csv'] as const;
export const EXPORT_TABLES = ['logs', 'results'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/** What `GET /api/runs/:id/export` was asked for. */
export type ExportRequest = { format: 'json' } | { format: 'csv'; table: ExportTable };

/** Reads `?format=json|csv&table=logs|results` (format defaults to json; csv needs a table). */
export function exportRequest(url: URL): ExportRequest {
  const format = url.searchParams.get('format') ?? 'json';
  const table = url.searchParams.get('table');
  if (format === 'json') {
    if (table !== null) {
      throw new HttpError(400, 'ERR_BAD_INPUT', `table is only for format=csv (the JSON export holds logs and results both), got table=${JSON.stringify(table)}`);
    }
    return { format };
  }
  if (format !== 'csv') throw new HttpError(400, 'ERR_BAD_INPUT', `format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  if (!EXPORT_TABLES.includes(table as ExportTable)) {
    throw new HttpError(
      400,
      'ERR_BAD_INPUT',
      `table must be one of ${EXPORT_TABLES.join(', ')} for format=csv (one CSV file per table), got ${table === null ? 'none' : JSON.stringify(table)}`,
    );
  }
  return { format, table: table as ExportTable };
}

/** The parts of the service an export reads. */
export type ExportSource = Pick<ExperimentsService, 'getRun' | 'getInstance' | 'readLogs' | 'readResults'>;

type ExportedRun = Awaited<ReturnType<ExportSource['getRun']>>;
type ExportedInstance = Awaited<ReturnType<ExportSource['getInstance']>>;

/** Rows read per query: large enough to be quick, small enough to keep memory flat. */
const PAGE = 5000;

/** Writes `text`, waiting for the socket to drain; false once the client has gone. */
async function write(response: ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(text)) return true;
  return new Promise((resolve) => {
    const done = (open: boolean) => {
      response.off('drain', drained);
      response.off('close', closed);
      resolve(open);
    };
    const drained = () => done(true);
    const closed = () => done(false);
    response.on('drain', drained);
    response.on('close', closed);
  });
}

/**
 * Writes a run's rows `1..count` (its log or result counter as the export read it) in
 * windows of {@link PAGE} sequence numbers, each window one query and one piece of text;
 * false once the client has gone. Windows, not `seq > after` pages: see `ReadLogsOptions.until`.
 */
async function writeWindows<T>(
  response: ServerResponse,
  count: number,
  read: (window: { after: number; until: number; limit: number }) => Promise<{ items: T[] }>,
  format: (items: T[], first: boolean) => string,
): Promise<boolean> {
  let first = true;
  for (let after = 0; after < count; after += PAGE) {
    const { items } = await read({ after, until: Math.min(after + PAGE, count), limit: PAGE });
    if (items.length === 0) continue;
    if (!(await write(response, format(items, first)))) return false;
    first = false;
  }
  return true;
}

/** What a spreadsheet reads as the start of a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula gets a
 * leading `'`, as OWASP advises, so `=HYPERLINK(…)` from an experiment's output shows as
 * text. A JSON number is left as it is: its text (`-3`, `1e-7`) is only ever a number, and
 * prefixing it would turn every negative figure into text. Objects and arrays start with
 * `{` or `[`. The JSON export keeps every value exactly.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = typeof value !== 'number' && FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Each CSV table's columns (its header row) and how a record fills them. */
const CSV_TABLES = {
  logs: { header: ['seq', 'timestamp', 'level', 'message', 'metadata'], row: (l: LogEntry) => [l.seq, l.timestamp, l.level, l.message, l.metadata] },
  results: { header: ['seq', 'recordedAt', 'key', 'value'], row: (r: ResultEntry) => [r.seq, r.recordedAt, r.key, r.value] },
} as const;

const csvLines = (rows: unknown[][]) => rows.map((cells) => cells.map(csvCell).join(',') + '\r\n').join('');

/** A page of JSON array items, after a comma unless it is the array's first. */
const jsonItems = (items: unknown[], first: boolean) => (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(',');

async function streamCsv(source: ExportSource, run: ExportedRun, table: ExportTable, response: ServerResponse): Promise<void> {
  if (!(await write(response, csvLines([[...CSV_TABLES[table].header]])))) return;
  if (table === 'logs') {
    await writeWindows(response, run.logCount, (window) => source.readLogs(run.id, window), (items) => csvLines(items.map(CSV_TABLES.logs.row)));
  } else {
    await writeWindows(response, run.resultCount, (window) => source.readResults(run.id, window), (items) => csvLines(items.map(CSV_TABLES.results.row)));
  }
}

async function streamJson(source: ExportSource, run: ExportedRun, instance: ExportedInstance, response: ServerResponse): Promise<void> {
  const head = {
    run,
    instance: { id: instance.id, name: instance.name, description: instance.description },
    experiment: { name: instance.experiment },
    // What the run ran with (a run that never started has none: its instance's, as it is now).
    configuration: run.configuration ?? instance.configuration,
    codeHash: run.codeHash,
    environment: run.environment,
  };
  const open =
    (await write(response, `${JSON.stringify(head).slice(0, -1)},"logs":[`)) &&
    (await writeWindows(response, run.logCount, (window) => source.readLogs(run.id, window), jsonItems)) &&
    (await write(response, '],"results":[')) &&
    (await writeWindows(response, run.resultCount, (window) => source.readResults(run.id, window), jsonItems));
  if (open) await write(response, ']}');
}

function startDownload(response: ServerResponse, filename: string, type: string): void {
  response.writeHead(200, { 'content-type': type, 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
}

/**
 * Streams run `runId`'s export to `response`. What can fail (no such run) fails before any
 * byte is sent; the file is named after the run and, for CSV, the table:
 * `run-<id>.json`, `run-<id>-logs.csv`, `run-<id>-results.csv`.
 */
export async function streamRunExport(source: ExportSource, runId: string, request: ExportRequest, response: ServerResponse): Promise<void> {
  const run = await source.getRun(runId);
  if (request.format === 'json') {
    const instance = await source.getInstance(run.instanceId);
    startDownload(response, `run-${run.id}.json`, 'application/json; charset=utf-8');
    await streamJson(source, run, instance, response);
  } else {
    startDownload(response, `run-${run.id}-${request.table}.csv`, 'text/csv; charset=utf-8; header=present');
    await streamCsv(source, run, request.table, response);
  }
  response.end();
}
