/**
 * A run's logs and results as one JSON document or CSV, streamed page by page from
 * storage (never built in memory), waiting for the socket to drain.
 */
import type { ServerResponse } from 'node:http';
import type { ExperimentsService } from '../experiments-service.ts';

async function write(response: ServerResponse, text: string): Promise<void> {
  if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
}

/** Calls `each` for every page of a cursor-paged reader. */
async function pages<T>(read: (after: number) => Promise<{ items: T[]; next: string | null }>, each: (items: T[]) => Promise<void>) {
  for (let after = 0; ; ) {
    const page = await read(after);
    await each(page.items);
    if (!page.next) return;
    after = Number(page.next);
  }
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

export async function streamRunExport(service: ExperimentsService, runId: string, format: 'json' | 'csv', response: ServerResponse) {
  const run = await service.getRun(runId); // 404 before any byte is sent
  const readLogs = (after: number) => service.readLogs(run.id, { after, limit: 5000 });
  const readResults = (after: number) => service.readResults(run.id, { after, limit: 5000 });
  response.writeHead(200, {
    'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="run-${run.id}.${format}"`,
    'cache-control': 'no-store',
  });
  if (format === 'csv') {
    await write(response, 'kind,seq,time,level,key,message,value\n');
    await pages(readLogs, async (items) => {
      await write(response, items.map((l) => ['log', l.seq, l.timestamp, l.level, '', l.message, l.metadata].map(csvCell).join(',')).join('\n') + (items.length ? '\n' : ''));
    });
    await pages(readResults, async (items) => {
      await write(response, items.map((r) => ['result', r.seq, r.recordedAt, '', r.key, '', r.value].map(csvCell).join(',')).join('\n') + (items.length ? '\n' : ''));
    });
  } else {
    await write(response, `{"run":${JSON.stringify(run)},"logs":[`);
    let first = true;
    const list = async (items: unknown[]) => {
      if (items.length === 0) return;
      await write(response, (first ? '' : ',') + items.map((item) => JSON.stringify(item)).join(','));
      first = false;
    };
    await pages(readLogs, list);
    await write(response, '],"results":[');
    first = true;
    await pages(readResults, list);
    await write(response, ']}');
  }
  response.end();
}
