import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const csv = suite('run export: CSV a spreadsheet opens safely');

// Each string a spreadsheet would read as a formula (OWASP's CSV injection list).
const FORMULAS = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tcmd', '\rcmd'];

const SOURCE = `import { Definition, Runtime, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new().name('formulas');
}

export async function run(ctx: RunContext) {
  for (const text of ${JSON.stringify(FORMULAS)}) {
    Runtime.log(ctx, 'info', text, { text });
    Runtime.result(ctx, text, text);
  }
  Runtime.result(ctx, 'negative', -3);
  Runtime.result(ctx, 'negative_text', '-3');
  Runtime.result(ctx, 'plain', 'fine, "quoted"');
}
`;

/** RFC 4180 rows (CRLF-ended): quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      endCell();
    } else if (!quoted && char === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else {
      cell += char;
    }
  }
  assert.is(cell + row.join(''), '', 'the text ends with a line end');
  return rows;
}

async function runFormulas(ctx: ServerContext): Promise<string> {
  assert.is((await ctx.api('POST', '/api/experiments', { file: 'formulas.ts' })).status, 201);
  const saved = await ctx.api('PUT', '/api/experiments/formulas/source', { source: SOURCE });
  assert.equal([saved.status, saved.body.experiment.error], [200, undefined]);
  const instance = (await ctx.api('POST', '/api/instances', { experiment: 'formulas', name: 'F' })).body;
  const run = (await ctx.api('POST', `/api/instances/${instance.id}/runs`, {})).body;
  const done = await until(async () => {
    const { body } = await ctx.api('GET', `/api/runs/${run.id}`);
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, 'the run to end');
  assert.is(done.status, 'completed', done.error);
  return run.id;
}

csv('cells that start like a formula are prefixed with a quote; numbers stay numbers', async () => {
  await withServer(async (ctx) => {
    const runId = await runFormulas(ctx);
    const logsCsv = await fetch(`${ctx.base}/api/runs/${runId}/export?format=csv&table=logs`);
    assert.is(logsCsv.status, 200);
    const logRows = parseCsv(await logsCsv.text());
    assert.equal(logRows[0], ['seq', 'timestamp', 'level', 'message', 'metadata']);
    const logs = logRows.slice(1, 1 + FORMULAS.length);
    assert.equal(logs.map((row) => row[3]), FORMULAS.map((text) => `'${text}`));
    // Metadata is a JSON object: it starts with "{", never with a formula character.
    assert.equal(logs.map((row) => row[4]), FORMULAS.map((text) => JSON.stringify({ text })));
    const resultsCsv = await fetch(`${ctx.base}/api/runs/${runId}/export?format=csv&table=results`);
    const resultRows = parseCsv(await resultsCsv.text());
    assert.equal(resultRows[0], ['seq', 'recordedAt', 'key', 'value']);
    const results = new Map(resultRows.slice(1).map((row) => [row[2], row[3]]));
    for (const text of FORMULAS) assert.is(results.get(`'${text}`), `'${text}`, `result ${JSON.stringify(text)}`);
    assert.is(results.get('negative'), '-3'); // a JSON number, which no spreadsheet reads as a formula
    assert.is(results.get('negative_text'), "'-3"); // a string: prefixed like any other
    assert.is(results.get('plain'), 'fine, "quoted"');
    for (const row of [...logRows, ...resultRows]) {
      for (const cell of row) assert.not.match(cell, /^[=+@\t\r]/, `cell ${JSON.stringify(cell)}`);
    }
  });
});

csv('the JSON export keeps every value exactly as recorded', async () => {
  await withServer(async (ctx) => {
    const runId = await runFormulas(ctx);
    const { body } = await ctx.api('GET', `/api/runs/${runId}/export?format=json`);
    assert.equal(body.logs.slice(0, FORMULAS.length).map((l: { message: string }) => l.message), FORMULAS);
    assert.ok(body.results.some((r: { key: string; value: unknown }) => r.key === '=HYPERLINK("http://evil.example","x")'));
  });
});

csv.run();

const shape = suite('run export: what the JSON and each CSV table hold');

/** A run with `logs` log lines and `results` results, written through the service (no process). */
async function storedRun(ctx: ServerContext, logs: number, results: number) {
  const instance = await ctx.api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Exported', description: 'for the export', configuration: { iterations: 7 } });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const service = ctx.workbench.experiments;
  const run = await service.createRun(instance.body.id);
  const environment = { node: 'v20.19.0', athanor: '0.1.0', platform: 'linux', arch: 'x64', host: 'lab' };
  await service.transitionRun(run.id, 'running', { codeHash: 'c0de', owner: ctx.workbench.supervisor.owner, configuration: { iterations: 7 }, environment });
  for (let i = 0; i < logs; i += 2000) {
    await service.appendLogs(run.id, Array.from({ length: Math.min(2000, logs - i) }, (_, j) => ({ level: 'info' as const, message: `line ${i + j + 1}`, metadata: { i: i + j + 1 } })));
  }
  for (let i = 0; i < results; i += 2000) {
    await service.appendResults(run.id, Array.from({ length: Math.min(2000, results - i) }, (_, j) => ({ key: 'loss', value: i + j + 1 })));
  }
  await service.transitionRun(run.id, 'completed');
  return { instance: instance.body, run: await service.getRun(run.id) };
}

shape('JSON: the run, its instance, experiment, the configuration, code hash and environment it ran with, then every log and result, across pages', async () => {
  await withServer(async (ctx) => {
    // Past the 5,000 rows the export reads at a time, so pages are joined.
    const { instance, run } = await storedRun(ctx, 5003, 5002);
    // Edited after the run: the export holds what the run ran with.
    await ctx.api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 9 } });
    // ctx.api (not fetch): it sends a GET again when the server closed the socket it reused.
    const { status, headers, body } = await ctx.api('GET', `/api/runs/${run.id}/export?format=json`);
    assert.is(status, 200);
    assert.is(headers.get('content-disposition'), `attachment; filename="run-${run.id}.json"`);
    assert.equal(Object.keys(body), ['run', 'instance', 'experiment', 'configuration', 'codeHash', 'environment', 'logs', 'results']);
    assert.equal(body.run, run);
    assert.equal(body.instance, { id: instance.id, name: 'Exported', description: 'for the export' });
    assert.equal(body.experiment, { name: 'my_experiment' });
    assert.equal(body.configuration, { iterations: 7 });
    assert.is(body.codeHash, 'c0de');
    assert.equal(body.environment, { node: 'v20.19.0', athanor: '0.1.0', platform: 'linux', arch: 'x64', host: 'lab' });
    assert.equal(body.logs.map((l: { seq: number }) => l.seq), Array.from({ length: 5003 }, (_, i) => i + 1));
    assert.equal(body.logs[5002], { seq: 5003, level: 'info', message: 'line 5003', metadata: { i: 5003 }, timestamp: body.logs[5002].timestamp });
    assert.equal(body.results.map((r: { value: number }) => r.value), Array.from({ length: 5002 }, (_, i) => i + 1));
  });
});

shape('CSV: one table a file, each with its header row and a file name that says which', async () => {
  await withServer(async (ctx) => {
    const { run } = await storedRun(ctx, 5001, 3);
    const logs = await ctx.api('GET', `/api/runs/${run.id}/export?format=csv&table=logs`);
    assert.match(logs.headers.get('content-type')!, /^text\/csv/);
    assert.is(logs.headers.get('content-disposition'), `attachment; filename="run-${run.id}-logs.csv"`);
    const logRows = parseCsv(logs.body);
    assert.equal(logRows.length, 1 + 5001);
    assert.equal(logRows[0], ['seq', 'timestamp', 'level', 'message', 'metadata']);
    const [seq, time, level, message, metadata] = logRows[5001]!;
    assert.equal([seq, level, message, metadata], ['5001', 'info', 'line 5001', '{"i":5001}']);
    assert.ok(!Number.isNaN(Date.parse(time!)), `a time: ${time}`);
    const results = await ctx.api('GET', `/api/runs/${run.id}/export?format=csv&table=results`);
    assert.is(results.headers.get('content-disposition'), `attachment; filename="run-${run.id}-results.csv"`);
    const resultRows = parseCsv(results.body);
    assert.equal(resultRows.map((row) => [row[0], row[2], row[3]]), [['seq', 'key', 'value'], ['1', 'loss', '1'], ['2', 'loss', '2'], ['3', 'loss', '3']]);
    assert.is(resultRows[0]![1], 'recordedAt');
  });
});

shape('a CSV without a table, or an unknown table or format, is refused naming the parameter and the allowed values', async () => {
  await withServer(async (ctx) => {
    const { run } = await storedRun(ctx, 1, 1);
    const cases: [string, string][] = [
      ['format=csv', 'table must be one of logs, results for format=csv (one CSV file per table), got none'],
      ['format=csv&table=metrics', 'table must be one of logs, results for format=csv (one CSV file per table), got "metrics"'],
      ['format=xml&table=logs', 'format must be one of json, csv, got "xml"'],
      ['format=json&table=logs', 'table is only for format=csv (the JSON export holds logs and results both), got table="logs"'],
    ];
    for (const [query, error] of cases) {
      const answer = await ctx.api('GET', `/api/runs/${run.id}/export?${query}`);
      assert.equal([answer.status, answer.body], [400, { error, code: 'ERR_BAD_INPUT' }], query);
    }
    assert.is((await ctx.api('GET', `/api/runs/${run.id}/export`)).body.run.id, run.id, 'JSON when no format is given');
  });
});

shape.run();
