// GET /api/instances that scales (issue 14): q, limit/cursor pages with a total, latestRun on every item.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';

const test = suite('HTTP API: the instances list (search, pages, latest runs)');

test('without limit the plain array, each item with latestRun; with limit a page {items, next, total}', async () => {
  await withServer(async ({ api, workbench }) => {
    const { experiments } = workbench;
    for (const name of ['alpha', 'Beta', 'beta two', 'gamma']) await api('POST', '/api/instances', { experiment: 'my_experiment', name, configuration: {} });
    const [beta] = await experiments.listInstances({ q: 'Beta two' });
    const run = await experiments.createRun(beta!.id);
    await experiments.transitionRun(run.id, 'running');
    await experiments.appendResults(run.id, [{ key: 'loss', value: 0.25 }, { key: 'accuracy', value: 0.9 }]);
    await experiments.transitionRun(run.id, 'completed');

    const plain = await api('GET', '/api/instances?sort=name');
    assert.is(plain.status, 200);
    assert.ok(Array.isArray(plain.body));
    assert.equal(plain.body.map((i: { name: string }) => i.name), ['alpha', 'Beta', 'beta two', 'gamma']);
    assert.is(plain.body[0].latestRun, null);
    assert.equal(plain.body[2].latestRun.metrics, { accuracy: 0.9, loss: 0.25 });
    assert.is(plain.body[2].latestRun.id, run.id);
    assert.is(plain.body[2].latestRun.status, 'completed');

    const searched = await api('GET', '/api/instances?q=BETA&sort=name');
    assert.equal(searched.body.map((i: { name: string }) => i.name), ['Beta', 'beta two']);

    const first = await api('GET', '/api/instances?sort=name&limit=3');
    assert.equal([first.status, first.body.total, first.body.items.map((i: { name: string }) => i.name)], [200, 4, ['alpha', 'Beta', 'beta two']]);
    const second = await api('GET', `/api/instances?sort=name&limit=3&cursor=${first.body.next}`);
    assert.equal([second.body.items.map((i: { name: string }) => i.name), second.body.next, second.body.total], [['gamma'], null, 4]);
    const page = await api('GET', '/api/instances?experiment=my_experiment&q=a&limit=10');
    assert.equal(page.body.items[0].name, 'beta two', 'the instance that ran first (activity)');
    assert.is(page.body.total, 4);
    assert.equal((await api('GET', '/api/instances?experiment=kernel_fixture&limit=10')).body, { items: [], next: null, total: 0 });
  });
});

test('a bad limit, cursor or sort is a 400 naming it, and so is a cursor without limit', async () => {
  await withServer(async ({ api }) => {
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'a', configuration: {} });
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'b', configuration: {} });
    const cases: [string, RegExp][] = [
      ['limit=0', /limit must be a whole number from 1 to 500, got 0/],
      ['limit=501', /limit must be a whole number from 1 to 500, got 501/],
      ['limit=-1', /^limit must be a whole number from 1 to 500, got -1$/],
      ['limit=ten', /query parameter limit must be a whole number .* got "ten"/],
      ['limit=5&cursor=nonsense', /cursor "nonsense" is not one this server gave/],
      ['cursor=abc', /cursor pages a list asked for with limit: give limit too/],
      ['limit=5&sort=size', /sort must be one of activity, name, created, got "size"/],
    ];
    for (const [query, message] of cases) {
      const answer = await api('GET', `/api/instances?${query}`);
      assert.is(answer.status, 400, query);
      assert.is(answer.body.code, 'ERR_BAD_INPUT', query);
      assert.match(answer.body.error, message);
    }
    const byName = await api('GET', '/api/instances?sort=name&limit=1');
    const mismatch = await api('GET', `/api/instances?sort=created&limit=1&cursor=${byName.body.next}`);
    assert.equal([mismatch.status, mismatch.body.error], [400, 'cursor was given for sort=name, not sort=created: ask for the first page again']);
  });
});

test.run();
