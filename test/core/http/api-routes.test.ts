import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const api = suite('HTTP API: routes and their errors');

const finished = (ctx: ServerContext, runId: string) =>
  until(async () => {
    const { body } = await ctx.api('GET', `/api/runs/${runId}`);
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `run ${runId} to end`);

api('experiments are listed with their schema', async () => {
  await withServer(async ({ api }) => {
    const { status, body } = await api('GET', '/api/experiments');
    assert.is(status, 200);
    const names = body.map((e: { name: string }) => e.name);
    assert.ok(names.includes('my_experiment') && names.includes('kernel_fixture'));
    const mine = body.find((e: { name: string }) => e.name === 'my_experiment');
    assert.equal(mine.schema.properties.iterations.maximum, 100);
    assert.is(mine.file, 'my_experiment.ts');
  });
});

api('instances list by latest activity, or ?sort=name|created; another sort is refused naming the choices', async () => {
  await withServer(async ({ api }) => {
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'zeta', configuration: {} });
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'alpha', configuration: {} });
    assert.equal((await api('GET', '/api/instances?sort=name')).body.map((i: { name: string }) => i.name), ['alpha', 'zeta']);
    assert.equal((await api('GET', '/api/instances')).body.map((i: { name: string; lastRunAt: null }) => [i.name, i.lastRunAt]), [['alpha', null], ['zeta', null]]);
    const bad = await api('GET', '/api/instances?sort=newest');
    assert.is(bad.status, 400);
    assert.is(bad.body.error, 'sort must be one of activity, name, created, got "newest"');
  });
});

api('instances: create, read, list, update, clone, delete, with clear errors', async () => {
  await withServer(async ({ api }) => {
    const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Baseline', configuration: { iterations: 3 } });
    assert.is(created.status, 201);
    assert.equal(created.body.configuration, { iterations: 3 });
    const id = created.body.id;
    const invalid = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Bad', configuration: { iterations: 1000 } });
    assert.is(invalid.status, 422);
    assert.equal(invalid.body.errors, [{ path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100' }]);
    assert.is(invalid.body.code, 'ERR_INVALID_CONFIG');
    const typo = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Typo', configuration: { iteratons: 3 } });
    assert.equal([typo.status, typo.body.errors], [422, [{ path: 'iteratons', message: 'config.iteratons is not a field of this experiment; did you mean "iterations"?' }]]);
    assert.is((await api('POST', '/api/instances', { experiment: 'nope', name: 'x' })).status, 404);
    assert.is((await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Baseline' })).status, 409);
    assert.is((await api('POST', '/api/instances', '{"broken json')).status, 400);
    assert.is((await api('POST', '/api/instances', '[1,2]')).status, 400);
    assert.equal((await api('GET', `/api/instances/${id}`)).body.name, 'Baseline');
    assert.is((await api('GET', '/api/instances/not-a-uuid')).status, 404);
    assert.is((await api('GET', '/api/instances/00000000-0000-4000-8000-000000000000')).status, 404);
    const list = await api('GET', '/api/instances');
    assert.equal(list.body.map((i: { name: string }) => i.name), ['Baseline']);
    assert.equal(list.body[0].runCounts.total, 0);
    const patched = await api('PATCH', `/api/instances/${id}`, { description: 'notes', configuration: { iterations: 4 } });
    assert.equal([patched.status, patched.body.description, patched.body.configuration.iterations], [200, 'notes', 4]);
    assert.is((await api('PATCH', `/api/instances/${id}`, { configuration: { iterations: 0 } })).status, 422);
    const clone = await api('POST', `/api/instances/${id}/clone`, { configuration: { iterations: 9 } });
    assert.equal([clone.status, clone.body.name, clone.body.configuration.iterations], [201, 'Baseline (copy)', 9]);
    assert.is((await api('DELETE', `/api/instances/${clone.body.id}`)).status, 200);
    assert.is((await api('GET', `/api/instances/${clone.body.id}`)).status, 404);
    assert.is((await api('PUT', '/api/instances')).status, 405);
    assert.is((await api('GET', '/api/nothing-here')).status, 404);
  });
});

api('runs: start, read, logs with cursor and level, results, re-run, cancel, export', async () => {
  await withServer(async (ctx) => {
    const { api } = ctx;
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'K', configuration: { mode: 'complete', count: 5 } })).body;
    const started = await api('POST', `/api/instances/${instance.id}/runs`, {});
    assert.is(started.status, 201);
    assert.ok(['pending', 'running'].includes(started.body.status));
    const run = await finished(ctx, started.body.id);
    assert.is(run.status, 'completed');
    assert.equal(run.progress, { current: 5, total: 5, message: 'step 5' });
    const logs = await api('GET', `/api/runs/${run.id}/logs?limit=2`);
    assert.equal(logs.body.items.map((l: { message: string }) => l.message), ['mode complete', 'line 1']);
    const rest = await api('GET', `/api/runs/${run.id}/logs?after=${logs.body.next}`);
    assert.is(rest.body.items.length, 4);
    assert.is((await api('GET', `/api/runs/${run.id}/logs?level=loud`)).status, 400);
    assert.is((await api('GET', `/api/runs/${run.id}/logs?after=-1`)).status, 400);
    const results = await api('GET', `/api/runs/${run.id}/results?view=latest`);
    assert.is(results.body.items.length, 5);
    const runs = await api('GET', `/api/instances/${instance.id}/runs`);
    assert.equal(runs.body.items.map((r: { id: string }) => r.id), [run.id]);
    assert.is(runs.body.next, null);
    const again = await api('POST', `/api/runs/${run.id}/rerun`);
    assert.is(again.status, 201);
    assert.is.not(again.body.id, run.id);
    await finished(ctx, again.body.id);
    const cancelFinished = await api('POST', `/api/runs/${run.id}/cancel`);
    assert.equal([cancelFinished.status, cancelFinished.body.changed], [200, false]);
    const logsCsv = await fetch(`${ctx.base}/api/runs/${run.id}/export?format=csv&table=logs`);
    assert.match(logsCsv.headers.get('content-type')!, 'text/csv');
    assert.match(await logsCsv.text(), /^seq,timestamp,level,message,metadata\r\n1,[^,]+,info,mode complete,/);
    const resultsCsv = await fetch(`${ctx.base}/api/runs/${run.id}/export?format=csv&table=results`);
    assert.match(await resultsCsv.text(), /^seq,recordedAt,key,value\r\n(.*\r\n){4}5,[^,]+,r5,"\{""i"":5\}"\r\n$/);
    assert.is((await api('GET', `/api/runs/${run.id}/export?format=csv`)).status, 400);
    const json = await api('GET', `/api/runs/${run.id}/export?format=json`);
    assert.equal([json.body.logs.length, json.body.results.length, json.body.run.id, json.body.instance.name], [6, 5, run.id, 'K']);
    assert.is((await api('GET', `/api/runs/${run.id}/export?format=xml`)).status, 400);
    const long = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'L', configuration: { mode: 'cooperative' } })).body;
    const longRun = (await api('POST', `/api/instances/${long.id}/runs`)).body;
    const cancelled = await api('POST', `/api/runs/${longRun.id}/cancel`);
    assert.equal([cancelled.status, cancelled.body.changed], [200, true]);
    assert.is((await finished(ctx, longRun.id)).status, 'cancelled');
    const counts = (await api('GET', `/api/instances/${instance.id}`)).body.runCounts;
    assert.equal([counts.completed, counts.total], [2, 2]);
  });
});

api('deleting an instance cancels its active run first, then removes it with its runs', async () => {
  await withServer(async ({ api, workbench }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'D', configuration: { mode: 'cooperative' } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`)).body;
    assert.ok(workbench.experiments.isActive(run.id));
    assert.is((await api('DELETE', `/api/instances/${instance.id}`)).status, 200);
    assert.is(workbench.experiments.isActive(run.id), false);
    assert.is((await api('GET', `/api/runs/${run.id}`)).status, 404);
  });
});

api('a run of an instance whose experiment is broken or gone is refused, and no run is recorded', async () => {
  await withServer(async ({ api: call, workbench }) => {
    const instance = (await call('POST', '/api/instances', { experiment: 'my_experiment', name: 'orphan', configuration: {} })).body;
    const saved = await call('PUT', '/api/experiments/my_experiment/source', { source: 'export function experiment( {' });
    assert.is(saved.status, 200);
    const broken = await call('POST', `/api/instances/${instance.id}/runs`, {});
    assert.is(broken.status, 400);
    // Said once, with where and why (it said "… cannot be used until its file loads: experiment … does not load (…)").
    assert.match(broken.body.error, /^experiment "my_experiment" cannot be used until its file loads \(my_experiment\.ts:1:\d+\): \S/);
    assert.is(broken.body.error.split('my_experiment"').length, 2, broken.body.error);
    const another = await call('POST', '/api/instances', { experiment: 'my_experiment', name: 'another' });
    assert.equal([another.status, another.body.error], [400, broken.body.error]);
    await rm(join(workbench.experimentsDir, 'my_experiment.ts'));
    await until(async () => (await call('GET', '/api/experiments/my_experiment')).status === 404, 'the experiment to go');
    const gone = await call('POST', `/api/instances/${instance.id}/runs`, {});
    assert.is(gone.status, 404);
    assert.is(gone.body.error, 'unknown experiment "my_experiment": instance "orphan" cannot run until its file is back');
    assert.equal((await call('GET', `/api/instances/${instance.id}/runs`)).body.items, []);
  }, { workbench: { watch: true } }); // files changed on disk: the watcher reloads them
});

api('unknown fields, null configurations and filters naming nothing are refused by name, and change nothing', async () => {
  await withServer(async ({ api: call, base }) => {
    const extra = await call('POST', '/api/instances', { experiment: 'my_experiment', name: 'x', configuration: {}, extra: 1 });
    assert.is(extra.status, 400);
    assert.is(extra.body.error, 'a new instance takes experiment, name, description, configuration; not extra');
    const nullConfig = await call('POST', '/api/instances', { experiment: 'my_experiment', name: 'x', configuration: null });
    assert.is(nullConfig.status, 400);
    assert.match(nullConfig.body.error, 'configuration must be an object of field values, got null');
    assert.equal((await call('GET', '/api/instances')).body, []);

    const instance = (await call('POST', '/api/instances', { experiment: 'my_experiment', name: 'kept', configuration: { iterations: 3 } })).body;
    const patchNull = await call('PATCH', `/api/instances/${instance.id}`, { configuration: null });
    assert.is(patchNull.status, 400);
    const unchanged = await call('PATCH', `/api/instances/${instance.id}`, {});
    assert.is(unchanged.status, 200);
    assert.equal([unchanged.body.configuration, unchanged.body.updatedAt], [{ iterations: 3 }, instance.updatedAt]);
    const clone = await call('POST', `/api/instances/${instance.id}/clone`, { bogus: 1 });
    assert.is(clone.status, 400);
    assert.is(clone.body.error, 'a clone takes name, configuration; not bogus');

    const badRun = await call('POST', `/api/instances/${instance.id}/runs`, { bogus: 1 });
    assert.is(badRun.status, 400);
    assert.match(badRun.body.error, 'unknown run option bogus');
    assert.equal((await call('GET', `/api/instances/${instance.id}/runs`)).body.items, []);
    const run = (await call('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await until(async () => (await call('GET', `/api/runs/${run.id}`)).body.status === 'completed', 'the run');
    const latest = await call('GET', `/api/runs/${run.id}/results?view=latest&limit=1`);
    assert.is(latest.status, 400);
    assert.match(latest.body.error, 'view=latest gives the latest value of every key at once: it takes key, not after or limit');
    assert.is((await call('GET', `/api/runs/${run.id}/results?view=latest`)).body.items.length, 3);

    const form = await call('POST', '/api/instances', JSON.stringify({ experiment: 'my_experiment', name: 'typed', configuration: {} }), { 'content-type': 'application/x-www-form-urlencoded' });
    assert.is(form.status, 415);
    assert.is(form.body.error, 'the request body must be JSON, sent with Content-Type: application/json; got application/x-www-form-urlencoded');
    assert.is((await call('GET', '/api/instances')).body.length, 1);

    const noFile = await call('POST', '/api/experiments', { file: '' });
    assert.is(noFile.status, 400);
    assert.is(noFile.body.error, 'file must be a file name such as "my_study.ts", got ""');
    for (const query of ['run=abcdef12', 'run=not-a-run', 'instance=00000000-0000-4000-8000-000000000000']) {
      const stream = await fetch(`${base}/api/events?${query}`);
      assert.is(stream.status, 404, query);
      assert.match(((await stream.json()) as { error: string }).error, 'not found');
    }
  });
});

api('an experiment saved without its exports stays listed, broken, and its source can be fixed in place', async () => {
  await withServer(async ({ api: call }) => {
    const original = (await call('GET', '/api/experiments/my_experiment/source')).body.source;
    const saved = await call('PUT', '/api/experiments/my_experiment/source', { source: 'export const x = 1;\n' });
    assert.is(saved.status, 200);
    assert.is(saved.body.experiment?.error?.code, 'ERR_MISSING_EXPORT', JSON.stringify(saved.body));
    assert.match(saved.body.experiment.error.message, 'exports neither experiment() nor run() any more');
    assert.is((await call('GET', '/api/experiments/my_experiment/source')).body.source, 'export const x = 1;\n');
    const fixed = await call('PUT', '/api/experiments/my_experiment/source', { source: original });
    assert.is(fixed.status, 200);
    assert.is(fixed.body.experiment.error, undefined);
    assert.is(fixed.body.experiment.name, 'my_experiment');
  });
});

api('a body over the limit is 413', async () => {
  await withServer(async ({ api }) => {
    const big = { experiment: 'my_experiment', name: 'x'.repeat(3 * 1024 * 1024) };
    assert.is((await api('POST', '/api/instances', big)).status, 413);
  });
});

api.run();
