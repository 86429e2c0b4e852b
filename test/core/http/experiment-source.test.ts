import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const source = suite('HTTP API: experiment sources');

async function rawPut(base: string, path: string, bytes: Uint8Array) {
  const response = await fetch(base + path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: bytes });
  return { status: response.status, body: await response.json() };
}

source('a body that is not valid UTF-8 is refused, and the file is left as it was', async () => {
  await withServer(async ({ api, base, workbench }) => {
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const before = await readFile(file);
    // A Latin-1 "é" (0xE9) where UTF-8 needs two bytes: a lossy decode would save U+FFFD.
    const body = Buffer.concat([Buffer.from('{"source":"// caf'), Buffer.from([0xe9]), Buffer.from('\\n"}')]);
    const refused = await rawPut(base, '/api/experiments/my_experiment/source', body);
    assert.equal(refused, {
      status: 400,
      body: { error: 'the request body is not valid UTF-8: send JSON text encoded as UTF-8', code: 'ERR_BAD_ENCODING' },
    });
    assert.ok((await readFile(file)).equals(before), 'the file is unchanged');
    // Every JSON body is read the same way.
    const instance = Buffer.concat([Buffer.from('{"experiment":"my_experiment","name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const response = await fetch(`${base}/api/instances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: instance });
    assert.is(response.status, 400);
    assert.equal((await api('GET', '/api/instances')).body, []);
    // The same text in UTF-8 is saved.
    const saved = await api('PUT', '/api/experiments/my_experiment/source', { source: `// café\n${before}` });
    assert.is(saved.status, 200);
    assert.is((await readFile(file, 'utf8')).split('\n')[0], '// café');
  });
});

source('PUT source with base: refused with 409 when the file changed since, saved when it did not', async () => {
  await withServer(async ({ api, workbench }) => {
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const read = (await api('GET', '/api/experiments/my_experiment/source')).body.source as string;
    const changed = `// changed on disk\n${read}`;
    await writeFile(file, changed);
    const refused = await api('PUT', '/api/experiments/my_experiment/source', { source: `// mine\n${read}`, base: read });
    assert.is(refused.status, 409);
    assert.is(refused.body.code, 'ERR_CONFLICT');
    assert.match(refused.body.error, /my_experiment\.ts changed on disk since it was read/);
    assert.is(await readFile(file, 'utf8'), changed, 'nothing is written');
    const bad = await api('PUT', '/api/experiments/my_experiment/source', { source: read, base: 42 });
    assert.equal([bad.status, bad.body.code], [400, 'ERR_BAD_INPUT']);
    assert.match(bad.body.error, /base must be/);
    assert.is(await readFile(file, 'utf8'), changed, 'nothing is written');
    // A mistyped base would save without its check: refused, naming the field.
    const typo = await api('PUT', '/api/experiments/my_experiment/source', { source: read, bse: read });
    assert.equal([typo.status, typo.body.code, typo.body.error], [400, 'ERR_BAD_INPUT', 'unknown field bse; a save takes {source, base?}']);
    const noSource = await api('PUT', '/api/experiments/my_experiment/source', { base: read });
    assert.equal([noSource.status, noSource.body.error], [400, "source must be the file's text (a string), got none"]);
    assert.is(await readFile(file, 'utf8'), changed, 'nothing is written');
    // A CRLF file, its base as $(cat file) sends it (the last \n gone, its \r kept): no conflict.
    const crlf = `${changed.replaceAll('\n', '\r\n')}`;
    await writeFile(file, crlf);
    const fromShell = await api('PUT', '/api/experiments/my_experiment/source', { source: crlf, base: crlf.replace(/\n$/, '') });
    assert.is(fromShell.status, 200, JSON.stringify(fromShell.body));
    await writeFile(file, changed);
    // base as a shell's $(cat file) sends it: without the file's final newline.
    assert.ok(changed.endsWith('\n'));
    const saved = await api('PUT', '/api/experiments/my_experiment/source', { source: `// mine\n${changed}`, base: changed.replace(/\n+$/, '') });
    assert.is(saved.status, 200);
    assert.is(await readFile(file, 'utf8'), `// mine\n${changed}`);
    // Without base, a save replaces the file whatever it holds (as before).
    const plain = await api('PUT', '/api/experiments/my_experiment/source', { source: read });
    assert.is(plain.status, 200);
    assert.is(await readFile(file, 'utf8'), read);
  });
});

source('POST /api/experiments with source writes that text as the new file (not the template); a source that is not text is refused', async () => {
  await withServer(async ({ api, workbench }) => {
    const text = (await api('GET', '/api/experiments/my_experiment/source')).body.source.replace("name('my_experiment')", "name('again')");
    const bad = await api('POST', '/api/experiments', { file: 'again.ts', source: 5 });
    assert.equal([bad.status, bad.body.code], [400, 'ERR_BAD_INPUT']);
    assert.match(bad.body.error, /source must be/);
    const created = await api('POST', '/api/experiments', { file: 'again.ts', source: text });
    assert.is(created.status, 201);
    assert.is(created.body.experiment.name, 'again');
    assert.is(await readFile(join(workbench.experimentsDir, 'again.ts'), 'utf8'), text);
  });
});

source('PUT source of an experiment whose file is gone: 404 that says POST /api/experiments makes the file again, which it does', async () => {
  await withServer(async ({ api, workbench }) => {
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const text = await readFile(file, 'utf8');
    await rm(file);
    await until(async () => (await api('GET', '/api/experiments/my_experiment')).status === 404, 'my_experiment to be removed');
    const refused = await api('PUT', '/api/experiments/my_experiment/source', { source: text });
    assert.equal(refused.body, {
      error: `no experiment named "my_experiment" in ${workbench.experimentsDir} (its file may be gone): POST /api/experiments with {file, source} makes a file again`,
      code: 'ERR_NOT_FOUND',
    });
    assert.is(refused.status, 404);
    const made = await api('POST', '/api/experiments', { file: 'my_experiment.ts', source: text });
    assert.equal([made.status, made.body.experiment.name], [201, 'my_experiment']);
    assert.is(await readFile(file, 'utf8'), text);
    // A name that looks like a path is still refused as one.
    assert.is((await api('PUT', '/api/experiments/..%2Fx/source', { source: text })).status, 400);
  }, { workbench: { watch: true } });
});

async function runToEnd(ctx: ServerContext, experiment: string) {
  const instance = await ctx.api('POST', '/api/instances', { experiment, name: 'first', configuration: { iterations: 2 } });
  assert.is(instance.status, 201);
  const run = (await ctx.api('POST', `/api/instances/${instance.body.id}/runs`, {})).body;
  return until(async () => {
    const { body } = await ctx.api('GET', `/api/runs/${run.id}`);
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `the run of ${experiment} to end`);
}

for (const file of ['x.mjs', 'y.js']) {
  source(`POST /api/experiments {file: "${file}"} writes a JavaScript template that loads and runs`, async () => {
    await withServer(async (ctx) => {
      const created = await ctx.api('POST', '/api/experiments', { file });
      assert.is(created.status, 201);
      assert.is(created.body.experiment.error, undefined, JSON.stringify(created.body.experiment.error));
      const name = file.replace(/\..*$/, '');
      const listed = (await ctx.api('GET', '/api/experiments')).body.find((e: { name: string }) => e.name === name);
      assert.equal([listed.file, listed.error], [file, undefined]);
      assert.not.match(await readFile(join(ctx.workbench.experimentsDir, file), 'utf8'), /: RunContext|type RunContext/);
      const run = await runToEnd(ctx, name);
      assert.is(run.status, 'completed', run.error);
      const results = (await ctx.api('GET', `/api/runs/${run.id}/results?view=latest`)).body.items;
      assert.equal(results.map((r: { key: string }) => r.key), ['iteration_1', 'iteration_2']);
    });
  });
}

source.run();
