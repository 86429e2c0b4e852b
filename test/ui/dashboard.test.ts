// The dashboard's list in happy-dom, against a real workbench: what it loads, pages,
// searches and follows live. happy-dom has no layout, so the virtualizer renders no rows
// here: the rows themselves are checked in Chromium (test/browser/lists.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-dashboard.ts';
import type { AthanorDashboard } from '../../ui/elements/athanor-dashboard.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { withWorkbench } from './views-workbench.helpers.ts';
import { insertInstance } from '../helpers/storage-rows.ts';
import { until } from '../helpers/until.ts';

async function mount(base: string, attributes: Record<string, string> = {}) {
  const el = document.createElement('athanor-dashboard');
  el.setAttribute('api', base);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  document.body.append(el);
  await until(() => el.instances, 'the instances to load');
  await el.updateComplete;
  return el;
}

const names = (el: AthanorDashboard) => el.instances!.map((i) => i.name);
const find = (el: AthanorDashboard, id: string) => el.instances!.find((i) => i.id === id);

/** Records the URLs the dashboard puts in the app's address bar. */
function recordUrls() {
  const urls: { path: string; replace?: boolean }[] = [];
  const record = (event: Event) => urls.push((event as CustomEvent).detail);
  document.addEventListener('athanor-navigate', record);
  return { urls, stop: () => document.removeEventListener('athanor-navigate', record) };
}

test('an empty workbench tells a newcomer what to do', async () => {
  await withWorkbench(async ({ base }) => {
    const el = await mount(base);
    await until(() => el.experimentNames.length > 0, 'the experiments');
    await el.updateComplete;
    const text = el.shadowRoot!.textContent!;
    assert.match(text, 'No instances yet');
    assert.match(text, 'kernel_fixture');
    const newLink = el.shadowRoot!.querySelector<HTMLAnchorElement>('a.button.primary')!;
    assert.is(newLink.getAttribute('href'), `${base}/experiments/new`);
    assert.match(newLink.textContent!, 'New instance');
    el.remove();
  });
});

test('lists instances with their latest runs and counts, follows new instances and runs live, filters by experiment', async () => {
  await withWorkbench(async ({ base, api }) => {
    const first = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'alpha', description: 'the first', configuration: { iterations: 2 } })).body;
    const el = await mount(base);
    assert.equal(names(el), ['alpha']);
    assert.is(find(el, first.id)!.latestRun, null, 'never run');
    assert.is(find(el, first.id)!.runCounts.total, 0);
    assert.match(el.shadowRoot!.querySelector('.summary')!.textContent!, '1 instance');

    // A new instance appears, live, first (latest activity).
    const second = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'beta', configuration: { count: 2 } })).body;
    await until(() => find(el, second.id), 'the created instance');
    assert.equal(names(el), ['beta', 'alpha']);
    assert.is(el.pages!.total, 2);

    // Start run: the latest run and the counts follow it to completion.
    await el.startRun(first.id);
    await until(() => find(el, first.id)!.runCounts.completed === 1, 'the completed count', 15000);
    await until(() => find(el, first.id)!.latestRun?.status === 'completed', 'the latest run completed');
    assert.equal(names(el), ['alpha', 'beta'], 'the instance that ran moved up');
    await el.updateComplete;
    assert.match(el.shadowRoot!.querySelector('.notice')!.textContent!, 'Started run');

    // A run started elsewhere counts too.
    await api('POST', `/api/instances/${second.id}/runs`, {});
    await until(() => find(el, second.id)!.runCounts.completed === 1, 'the other run', 15000);

    // Filter by experiment: asked of the server.
    const filter = el.shadowRoot!.querySelector<HTMLSelectElement>('#filter')!;
    filter.value = 'kernel_fixture';
    filter.dispatchEvent(new Event('change'));
    await until(() => el.instances!.length === 1, 'the filtered list');
    assert.equal(names(el), ['beta']);

    // Deleted elsewhere: gone here.
    await api('DELETE', `/api/instances/${second.id}`);
    await until(() => el.instances!.length === 0, 'the deleted instance to go');
    await el.updateComplete;
    assert.match(el.shadowRoot!.textContent!, 'No instances of kernel_fixture');
    el.remove();
  });
});

test('latest activity first: a run moves its instance to the top, live; Sort by name or newest, in the URL', async () => {
  await withWorkbench(async ({ base, api }) => {
    const make = async (name: string) => (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name, configuration: { mode: 'return' } })).body;
    const older = await make('b-older');
    await make('A-newer');
    const el = await mount(base);
    assert.equal(names(el), ['A-newer', 'b-older'], 'never run: newest first');

    await api('POST', `/api/instances/${older.id}/runs`, {});
    await until(() => names(el)[0] === 'b-older', 'the instance that ran to move up');

    const { urls, stop } = recordUrls();
    try {
      const sort = el.shadowRoot!.querySelector<HTMLSelectElement>('#sort')!;
      sort.value = 'name';
      sort.dispatchEvent(new Event('change'));
      await until(() => names(el)[0] === 'A-newer', 'sorted by name');
      assert.equal(names(el), ['A-newer', 'b-older']);
      sort.value = 'created';
      sort.dispatchEvent(new Event('change'));
      await until(async () => (await el.updateComplete, el.pages && el.shadowRoot!.querySelector<HTMLSelectElement>('#sort')!.value === 'created'), 'newest first');
      assert.equal(names(el), ['A-newer', 'b-older']);
      assert.equal(urls, [{ path: '/experiments?sort=name', replace: true }, { path: '/experiments?sort=created', replace: true }]);
    } finally {
      stop();
    }
    el.remove();
  });
});

test('pages from the server as the list grows; the search (debounced, in the URL) asks the server and finds a match on any page', async () => {
  await withWorkbench(async ({ base, workbench }) => {
    const db = workbench.database.db;
    for (let i = 1; i <= 130; i++) await insertInstance(db, `run ${String(i).padStart(3, '0')}`);
    await insertInstance(db, 'the needle');
    const el = await mount(base, { sort: 'name' });
    assert.is(el.pages!.total, 131);
    assert.is(el.instances!.length, 60, 'one page of 60 first');
    assert.ok(el.pages!.next, 'a next page');
    assert.equal(names(el).slice(0, 2), ['run 001', 'run 002']);
    await el.loadMore();
    assert.is(el.instances!.length, 131);
    assert.is(el.pages!.next, null);
    assert.is(new Set(el.instances!.map((i) => i.id)).size, 131, 'no instance twice');

    const { urls, stop } = recordUrls();
    try {
      const search = el.shadowRoot!.querySelector<HTMLInputElement>('#search')!;
      for (const text of ['N', 'NE', 'NEE']) {
        search.value = text;
        search.dispatchEvent(new Event('input'));
      }
      await until(() => el.instances!.length === 1, 'the search result');
      assert.equal(names(el), ['the needle'], 'case aside, across every page');
      assert.equal(urls, [{ path: '/experiments?q=NEE&sort=name', replace: true }], 'one URL for one pause in typing');
      await el.updateComplete;
      assert.match(el.shadowRoot!.querySelector('.summary')!.textContent!, '1 instance named like “NEE”');

      search.value = 'nothing like it';
      search.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
      await until(() => el.instances!.length === 0, 'no match');
      await el.updateComplete;
      assert.match(el.shadowRoot!.textContent!, 'No instance has a name containing “nothing like it”');
    } finally {
      stop();
    }
    el.remove();
  });
});

test('the count holds when the stream sends again the creation of an instance on a page not loaded, and follows one created or deleted there', async () => {
  await withWorkbench(async ({ base, workbench }) => {
    const db = workbench.database.db;
    for (let i = 1; i <= 70; i++) await insertInstance(db, `run ${String(i).padStart(3, '0')}`);
    const el = await mount(base, { sort: 'name' });
    assert.is(el.pages!.total, 70);
    const unloaded = (await workbench.experiments.listInstances({ q: 'run 070' }))[0]!;
    // A tab's stream may send again what came before its views' reads (athanor-event-id):
    // before, each such creation counted one more (71, 72).
    workbench.bus.publish('instance.created', { instance: unloaded });
    workbench.bus.publish('instance.created', { instance: unloaded });
    // Then one really created past the loaded rows: the count is one more (before: 73).
    const created = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'zz new', configuration: { iterations: 1 } });
    await until(() => el.pages!.total === 71, 'one more');
    await el.updateComplete;
    assert.match(el.shadowRoot!.querySelector('.summary')!.textContent!, '71 instances');
    // And deleted there: the count follows.
    await workbench.experiments.deleteInstance(created.id);
    await workbench.experiments.deleteInstance(unloaded.id);
    await until(() => el.pages!.total === 69, 'two fewer');
    assert.is(el.instances!.length, 60);
    el.remove();
  });
});

test("a run that ends shows its headline metrics in its row, live (GET /api/instances/:id gives the latest run too)", async () => {
  await withServer(
    async ({ base, api }) => {
      try {
        const instance = (await api('POST', '/api/instances', { experiment: 'sweep_fixture', name: 'measured', configuration: { steps: 3 } })).body;
        const el = await mount(base, { sort: 'name' });
        await el.startRun(instance.id);
        const latest = await until(() => {
          const run = find(el, instance.id)?.latestRun;
          return run?.status === 'completed' && run.metrics.loss !== undefined && run;
        }, 'the finished run with its metrics', 15000);
        assert.equal(latest.metrics, { accuracy: 0.8, loss: 0.6667 });
        const described = (await api('GET', `/api/instances/${instance.id}`)).body;
        assert.equal(described.latestRun.metrics, { accuracy: 0.8, loss: 0.6667 });
        el.remove();
      } finally {
        document.body.replaceChildren();
      }
    },
    { fixtures: ['test/fixtures/compare/sweep_fixture.ts'] },
  );
});

test('a re-read answered late, after a later one, does not put back a run that ended as running', async () => {
  await withServer(async ({ base, api }) => {
    const original = globalThis.fetch;
    let late: 'waiting' | 'sent' | 'answered' = 'waiting';
    // The first re-read of the instance is read at once but answered 1.5 s later: after the run ended.
    globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const response = await original(input, init);
      if (late === 'waiting' && /^\/api\/instances\/[^/]+$/.test(url.pathname) && url.origin === new URL(base).origin) {
        late = 'sent';
        await new Promise((resolve) => setTimeout(resolve, 1500));
        late = 'answered';
      }
      return response;
    };
    try {
      const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'overtaken', configuration: { mode: 'cooperative', delay_ms: 20 } })).body;
      const el = await mount(base, { sort: 'name' });
      const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
      await until(() => late === 'sent', 'the first re-read to be read');
      await api('POST', `/api/runs/${run.id}/cancel`);
      await until(() => late === 'answered' && find(el, instance.id)?.latestRun?.status === 'cancelled', 'the late answer, and the run shown cancelled', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 800)); // any re-read still to come has come
      const row = find(el, instance.id)!;
      assert.is(row.latestRun?.status, 'cancelled');
      assert.is(row.runCounts.running ?? 0, 0, `no run counted running: ${JSON.stringify(row.runCounts)}`);
    } finally {
      globalThis.fetch = original;
      document.body.replaceChildren();
    }
  });
});

test('an unreachable API shows an error with a retry', async () => {
  const el = document.createElement('athanor-dashboard');
  el.setAttribute('api', 'http://127.0.0.1:9');
  document.body.append(el);
  await until(() => el.loadError, 'the load error');
  await el.updateComplete;
  assert.match(el.shadowRoot!.querySelector('[role="alert"]')!.textContent!, 'Could not load the instances');
  el.remove();
});

test.run();
