/**
 * createTestWorkbench: an in-memory workbench whose HTTP API a test drives like a client,
 * on a free port, gone after close().
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestWorkbench } from '../../core/testing/index.ts';
import { until } from '../helpers/until.ts';

async function json(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const bench = suite('createTestWorkbench');

for (const inProcess of [false, true]) {
  bench(`serves the API over the experiments folder, and runs ${inProcess ? 'in this process' : 'in child processes'}`, async () => {
    const workbench = await createTestWorkbench({ experimentsDir: 'experiments', inProcess });
    try {
      assert.match(workbench.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const experiments = await json('GET', `${workbench.url}/api/experiments`);
      assert.ok(experiments.body.some((e: { name: string }) => e.name === 'my_experiment'));

      const instance = await json('POST', `${workbench.url}/api/instances`, { experiment: 'my_experiment', name: 'three', configuration: { iterations: 3 } });
      assert.is(instance.status, 201);
      const run = await json('POST', `${workbench.url}/api/instances/${instance.body.id}/runs`, {});
      assert.is(run.status, 201);
      const done = await until(async () => {
        const current = await json('GET', `${workbench.url}/api/runs/${run.body.id}`);
        return current.body.status === 'completed' && current.body;
      }, 'the run to complete');
      assert.is(done.resultCount, 3);
    } finally {
      await workbench.close();
    }
  });
}

bench('an invalid configuration gets the 422 the workbench answers', async () => {
  const workbench = await createTestWorkbench({ experimentsDir: 'experiments' });
  try {
    const response = await json('POST', `${workbench.url}/api/instances`, { experiment: 'my_experiment', name: 'x', configuration: { iterations: 0 } });
    assert.is(response.status, 422);
    assert.equal(response.body.errors, [{ path: 'iterations', message: 'config.iterations: 0 is below the minimum 1' }]);
  } finally {
    await workbench.close();
  }
});

bench('two workbenches get two ports; close() frees them', async () => {
  const [a, b] = await Promise.all([createTestWorkbench(), createTestWorkbench()]);
  assert.is.not(a.port, b.port);
  await Promise.all([a.close(), b.close()]);
  const refused = await fetch(`${a.url}/api/experiments`).then(
    () => false,
    () => true,
  );
  assert.ok(refused, 'the port still answers after close()');
});

bench('a missing experiments folder is refused with its path', async () => {
  const error = (await createTestWorkbench({ experimentsDir: 'no-such-folder' }).catch((e: unknown) => e)) as Error;
  assert.match(error.message, /the experiments folder .*no-such-folder does not exist/);
});

bench.run();
