/** Instance history over HTTP: `/api/instances/:id/versions[/:version]`, and runs naming their version. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';

const test = suite('HTTP API: instance history');
const MISSING = '00000000-0000-4000-8000-000000000000';

test('each saved change is a version, listed newest first and read one by one; runs name theirs', async () => {
  await withServer(async ({ api, workbench }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Base', configuration: { iterations: 2 } })).body;
    assert.is(instance.version, 1);
    const first = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    assert.is(first.instanceVersion, 1);

    const tuned = await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 3 } });
    assert.is(tuned.body.version, 2);
    const renamed = await api('PATCH', `/api/instances/${instance.id}`, { name: 'Tuned', description: 'three iterations' });
    assert.is(renamed.body.version, 3);
    const again = await api('PATCH', `/api/instances/${instance.id}`, { name: 'Tuned', configuration: { iterations: 3 } });
    assert.equal([again.status, again.body.version], [200, 3], 'the same values again are no new version');
    const second = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    assert.is(second.instanceVersion, 3);

    const { status, body } = await api('GET', `/api/instances/${instance.id}/versions`);
    assert.is(status, 200);
    assert.equal(
      body.items.map((v: { version: number; name: string; description: string | null; configuration: { iterations: number } }) => [v.version, v.name, v.description, v.configuration]),
      [
        [3, 'Tuned', 'three iterations', { iterations: 3 }],
        [2, 'Base', null, { iterations: 3 }],
        [1, 'Base', null, { iterations: 2 }],
      ],
    );
    assert.is(body.next, null);
    assert.equal(Object.keys(body.items[0]).sort(), ['configuration', 'createdAt', 'description', 'name', 'version']);
    assert.equal((await api('GET', `/api/instances/${instance.id}/versions/1`)).body, body.items[2]);

    const page = await api('GET', `/api/instances/${instance.id}/versions?limit=2`);
    assert.equal(page.body.items.map((v: { version: number }) => v.version), [3, 2]);
    const rest = await api('GET', `/api/instances/${instance.id}/versions?limit=2&cursor=${page.body.next}`);
    assert.equal([rest.body.items.map((v: { version: number }) => v.version), rest.body.next], [[1], null]);

    const runs = (await api('GET', `/api/instances/${instance.id}/runs`)).body.items;
    assert.equal(runs.map((r: { id: string; instanceVersion: number }) => [r.id, r.instanceVersion]), [[second.id, 3], [first.id, 1]]);
    assert.is((await api('GET', `/api/runs/${first.id}`)).body.instanceVersion, 1);
    await workbench.experiments.waitForRun(first.id);
    await workbench.experiments.waitForRun(second.id);
  });
});

test('a clone starts its own history at version 1', async () => {
  await withServer(async ({ api }) => {
    const original = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Base', configuration: {} })).body;
    await api('PATCH', `/api/instances/${original.id}`, { configuration: { iterations: 4 } });
    const clone = (await api('POST', `/api/instances/${original.id}/clone`, {})).body;
    assert.is(clone.version, 1);
    const versions = (await api('GET', `/api/instances/${clone.id}/versions`)).body.items;
    assert.equal(versions.map((v: { version: number; configuration: unknown }) => [v.version, v.configuration]), [[1, { iterations: 4 }]]);
  });
});

test('unknown instances and versions are 404, bad numbers and cursors 400, each naming what is wrong', async () => {
  await withServer(async ({ api }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Base', configuration: {} })).body;
    const cases: [string, number, string][] = [
      [`/api/instances/${instance.id}/versions/2`, 404, `instance ${instance.id} has no version 2: its versions are 1 to 1`],
      [`/api/instances/${instance.id}/versions/0`, 400, 'version must be a whole number from 1 to 2147483647, got 0'],
      [`/api/instances/${instance.id}/versions/v1`, 400, 'version must be a whole number from 1 to 2147483647, got "v1"'],
      [`/api/instances/${instance.id}/versions/99999999999`, 400, 'version must be a whole number from 1 to 2147483647, got "99999999999"'],
      [`/api/instances/${instance.id}/versions?cursor=x`, 400, 'cursor "x" is not one this server gave'],
      [`/api/instances/${instance.id}/versions?limit=0`, 400, 'limit must be a whole number from 1 to 500, got 0'],
      [`/api/instances/${MISSING}/versions`, 404, `instance ${MISSING} not found`],
      [`/api/instances/${MISSING}/versions/1`, 404, `instance ${MISSING} not found`],
    ];
    for (const [path, status, error] of cases) {
      const answer = await api('GET', path);
      assert.equal([answer.status, answer.body.error], [status, error], path);
    }
  });
});

test('a run created before an edit runs the version it names, even when it starts after the edit', async () => {
  await withServer(async ({ api, workbench }) => {
    const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'Queued', configuration: { iterations: 2 } });
    const run = await workbench.experiments.createRun(instance.id); // pending: as a run waiting for a free slot
    assert.is((await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 5 } })).body.version, 2);
    await workbench.experiments.startRun(run.id);
    const finished = await workbench.experiments.waitForRun(run.id);
    assert.is(finished.status, 'completed', String(finished.error));
    assert.is(finished.instanceVersion, 1);
    const results = (await api('GET', `/api/runs/${run.id}/results?view=latest`)).body.items;
    assert.equal(results.map((r: { key: string }) => r.key).sort(), ['iteration_1', 'iteration_2'], 'the 2 iterations of version 1, not 5');
  });
});

test('a rerun names the version of the run it reruns, whatever the instance is at now', async () => {
  await withServer(async ({ api, workbench }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Again', configuration: { iterations: 2 } })).body;
    const first = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await workbench.experiments.waitForRun(first.id);
    await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 4 } });
    const again = await api('POST', `/api/runs/${first.id}/rerun`, {});
    assert.is(again.status, 201, JSON.stringify(again.body));
    assert.is(again.body.instanceVersion, 1);
    const finished = await workbench.experiments.waitForRun(again.body.id);
    assert.equal([finished.status, finished.instanceVersion, finished.configuration?.iterations], ['completed', 1, 2]);
  });
});

test.run();
