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

/** RFC 4180 cells: quoted cells may hold commas, quotes (doubled) and line breaks. */
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
    } else if (!quoted && char === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else {
      cell += char;
    }
  }
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
    const response = await fetch(`${ctx.base}/api/runs/${runId}/export?format=csv`);
    assert.is(response.status, 200);
    const rows = parseCsv(await response.text());
    assert.equal(rows[0], ['kind', 'seq', 'time', 'level', 'key', 'message', 'value']);
    const logs = rows.filter((row) => row[0] === 'log').slice(0, FORMULAS.length);
    assert.equal(logs.map((row) => row[5]), FORMULAS.map((text) => `'${text}`));
    // Metadata is a JSON object: it starts with "{", never with a formula character.
    assert.equal(logs.map((row) => row[6]), FORMULAS.map((text) => JSON.stringify({ text })));
    const results = new Map(rows.filter((row) => row[0] === 'result').map((row) => [row[4], row[6]]));
    for (const text of FORMULAS) assert.is(results.get(`'${text}`), `'${text}`, `result ${JSON.stringify(text)}`);
    assert.is(results.get('negative'), '-3'); // a JSON number, which no spreadsheet reads as a formula
    assert.is(results.get('negative_text'), "'-3"); // a string: prefixed like any other
    assert.is(results.get('plain'), 'fine, "quoted"');
    for (const row of rows) {
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
