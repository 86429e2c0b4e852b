/**
 * Input the database or the file system cannot take is refused at the API boundary with a
 * 400 naming the field and the rule, and nothing changes — on every storage backend (pg-mem
 * keeps what Postgres and PGlite refuse or silently alter).
 */
import { readdir } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPgliteFolder, createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const NOTES_SOURCE = `import { ConfigSchema, Definition } from 'athanor';
export function experiment() {
  return Definition.new().name('notes').configuration(ConfigSchema.new().field('note', 'string', { default: 'hi' }));
}
export async function run() {}
`;

/** Instances, their runs, the experiments and the files: what a refused request must leave as it was. */
async function snapshot({ api, workbench }: ServerContext) {
  const instances = (await api('GET', '/api/instances')).body as { id: string }[];
  const runs = await Promise.all(instances.map(async (i) => (await api('GET', `/api/instances/${i.id}/runs?limit=500`)).body.items));
  const experiments = (await api('GET', '/api/experiments')).body.map((e: Record<string, unknown>) => [e.name, e.file, e.codeHash, e.error]);
  const files = (await readdir(workbench.experimentsDir, { recursive: true })).sort();
  return { instances, runs, experiments, files };
}

async function prepare(ctx: ServerContext) {
  assert.is((await ctx.api('POST', '/api/experiments', { file: 'notes.ts' })).status, 201);
  assert.is((await ctx.api('PUT', '/api/experiments/notes/source', { source: NOTES_SOURCE })).status, 200);
  const instance = (await ctx.api('POST', '/api/instances', { experiment: 'notes', name: 'N' })).body;
  const run = (await ctx.api('POST', `/api/instances/${instance.id}/runs`, {})).body;
  await until(async () => (await ctx.api('GET', `/api/runs/${run.id}`)).body.status === 'completed', 'the run to complete');
  return { instanceId: instance.id as string, runId: run.id as string };
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

interface Case {
  label: string;
  method: string;
  path: string;
  /** A value sent as JSON, or raw JSON text (to send escapes JSON.stringify would not write). */
  body?: unknown;
  error: RegExp;
  code?: string;
}

function cases(instanceId: string, runId: string): Case[] {
  const inst = `/api/instances/${instanceId}`;
  const bodies: [string, string][] = [
    ['POST', '/api/experiments'],
    ['PUT', '/api/experiments/notes/source'],
    ['POST', '/api/instances'],
    ['PATCH', inst],
    ['POST', `${inst}/clone`],
    ['POST', `${inst}/runs`],
  ];
  return [
    { label: 'an empty new instance (every missing field named)', method: 'POST', path: '/api/instances', body: {}, error: /^a new instance needs experiment and name: / },
    { label: 'a new instance without its experiment', method: 'POST', path: '/api/instances', body: { name: 'x' }, error: /^a new instance needs experiment: / },
    { label: 'NUL in a name', method: 'POST', path: '/api/instances', body: { experiment: 'notes', name: 'a\0b' }, error: /^name contains U\+0000 \(NUL\)/ },
    { label: 'NUL in a description', method: 'POST', path: '/api/instances', body: { experiment: 'notes', name: 'x', description: 'd\0' }, error: /^description contains U\+0000/ },
    { label: 'NUL in string configuration', method: 'POST', path: '/api/instances', body: { experiment: 'notes', name: 'x', configuration: { note: '\0' } }, error: /^configuration\.note contains U\+0000/ },
    { label: 'NUL in a new name', method: 'PATCH', path: inst, body: { name: 'x\0' }, error: /^name contains U\+0000/ },
    { label: 'NUL in a key', method: 'PATCH', path: inst, body: { configuration: { 'n\0te': 'x' } }, error: /^a key of configuration \("n\\u0000te"\) contains U\+0000/ },
    { label: 'a lone surrogate', method: 'PATCH', path: inst, body: '{"description":"a\\udfff"}', error: /^description contains a lone surrogate U\+DFFF/ },
    { label: 'a lone surrogate in a clone name', method: 'POST', path: `${inst}/clone`, body: '{"name":"\\ud800x"}', error: /^name contains a lone surrogate U\+D800/ },
    { label: 'NUL in a query parameter', method: 'GET', path: '/api/instances?experiment=no%00tes', error: /^query parameter experiment contains U\+0000/ },
    { label: 'NUL in a result key filter', method: 'GET', path: `/api/runs/${runId}/results?key=%00`, error: /^query parameter key contains U\+0000/ },
    { label: 'an int overflow', method: 'GET', path: `/api/runs/${runId}/logs?after=2147483648`, error: /^query parameter after must be a whole number from 0 to 2147483647, got "2147483648"/ },
    { label: 'an int overflow in results', method: 'GET', path: `/api/runs/${runId}/results?after=99999999999`, error: /^query parameter after must be a whole number from 0 to 2147483647/ },
    { label: 'timeoutMs above 2^31-1', method: 'POST', path: `${inst}/runs`, body: { timeoutMs: 2147483648 }, error: /^timeoutMs must be a positive integer of milliseconds up to 2147483647 \(about 24.8 days\), got 2147483648/ },
    { label: 'a number JSON cannot hold', method: 'POST', path: `${inst}/runs`, body: '{"timeoutMs":1e400}', error: /^timeoutMs is a number too large for JSON to hold/ },
    { label: 'a file name over 255 bytes', method: 'POST', path: '/api/experiments', body: { file: `${'é'.repeat(127)}.ts` }, error: /^file name ".*" has a segment of 257 bytes: a file name may have at most 255/, code: 'ERR_BAD_PATH' },
    ...bodies.map(([method, path]) => ({
      label: `JSON nested 10,000 levels in ${method} ${path}`,
      method,
      path,
      body: `{"name":${deep(10_000)}}`,
      error: /^name(\[0\])+…? nests deeper than 64 levels, the most a request body may$/,
    })),
  ];
}

function badInputSuite(name: string, database: () => Promise<{ spec: string; drop(): Promise<void> }>) {
  const test = suite(`HTTP API: bad input is a 400 naming the field and the rule, nothing changed (${name})`);

  test('NUL, lone surrogates, overflowing numbers, deep nesting and long file names', async () => {
    const db = await database();
    try {
      await withServer(async (ctx) => {
        const { instanceId, runId } = await prepare(ctx);
        const before = await snapshot(ctx);
        for (const c of cases(instanceId, runId)) {
          const response = await ctx.api(c.method, c.path, c.body);
          assert.is(response.status, 400, `${c.label}: ${JSON.stringify(response.body)}`);
          assert.match(response.body.error, c.error, c.label);
          assert.is(response.body.code, c.code ?? 'ERR_BAD_INPUT', c.label);
          assert.equal(await snapshot(ctx), before, `${c.label} changed nothing`);
        }
      }, { workbench: { database: db.spec } });
    } finally {
      await db.drop();
    }
  });

  test('a file name of 255 bytes is created and saved (its temporary name is not longer)', async () => {
    const db = await database();
    try {
      await withServer(async ({ api }) => {
        const file = `${'a'.repeat(252)}.ts`;
        const created = await api('POST', '/api/experiments', { file });
        assert.equal([created.status, created.body.file], [201, file]);
        const name = created.body.experiment.name;
        const source = (await api('GET', `/api/experiments/${name}/source`)).body.source;
        const saved = await api('PUT', `/api/experiments/${name}/source`, { source: source.replace('10', '12') });
        assert.equal([saved.status, saved.body.experiment.schema.properties.iterations.default], [200, 12]);
      }, { workbench: { database: db.spec } });
    } finally {
      await db.drop();
    }
  });

  test.run();
}

badInputSuite('memory', async () => ({ spec: 'memory', drop: async () => {} }));
badInputSuite('pglite', async () => {
  const { dir, remove } = await createPgliteFolder({ migrated: true });
  return { spec: `pglite:${dir}`, drop: remove };
});
const postgresUrl = requirePostgresUrl('HTTP API: bad input (postgres)');
if (postgresUrl) {
  badInputSuite('postgres', async () => {
    const { url, drop } = await createScratchSchema(postgresUrl);
    return { spec: url, drop };
  });
}
