import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-dashboard.ts';
import type { AthanorDashboard } from '../../ui/elements/athanor-dashboard.ts';
import type { AthanorRunCounts } from '../../ui/elements/athanor-run-counts.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';

/** A workbench whose views are removed before it closes (an open event stream would hold its server). */
const withWorkbench = (fn: Parameters<typeof withServer>[0]) =>
  withServer(async (context) => {
    try {
      await fn(context);
    } finally {
      document.body.replaceChildren();
    }
  });

async function mount(base: string) {
  const el = document.createElement('athanor-dashboard');
  el.setAttribute('api', base);
  document.body.append(el);
  await until(() => el.instances, 'the instances to load');
  await el.updateComplete;
  return el;
}

const rows = (el: AthanorDashboard) => [...el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('tbody tr')];
const countsText = async (el: AthanorDashboard, id: string) => {
  const counts = el.shadowRoot!.querySelector<AthanorRunCounts>(`tr[data-id="${id}"] athanor-run-counts`)!;
  await counts.updateComplete;
  return counts.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
};

test('an empty workbench tells a newcomer what to do', async () => {
  await withWorkbench(async ({ base }) => {
    const el = await mount(base);
    const text = el.shadowRoot!.textContent!;
    assert.match(text, 'No instances yet');
    assert.match(text, 'kernel_fixture');
    const newLink = el.shadowRoot!.querySelector<HTMLAnchorElement>('a.button.primary')!;
    assert.is(newLink.getAttribute('href'), `${base}/experiments/new`);
    assert.match(newLink.textContent!, 'New instance');
    el.remove();
  });
});

test('lists instances with their counts, follows new instances and runs live, filters by experiment', async () => {
  await withWorkbench(async ({ base, api }) => {
    const first = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'alpha', description: 'the first', configuration: { iterations: 2 } })).body;
    const el = await mount(base);
    assert.is(rows(el).length, 1);
    const row = rows(el)[0]!;
    assert.match(row.textContent!, 'alpha');
    assert.match(row.textContent!, 'the first');
    assert.match(row.textContent!, 'my_experiment');
    assert.is(await countsText(el, first.id), 'no runs');
    assert.is(row.querySelector<HTMLAnchorElement>('a.name')!.getAttribute('href'), `${base}/experiments/${first.id}`);
    assert.ok(row.querySelector(`a[href="${base}/experiments/${first.id}?edit=1"]`), 'Edit opens the instance with its editor');

    // A new instance appears, live.
    const second = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'beta', configuration: { count: 2 } })).body;
    await until(() => el.instances!.some((i) => i.id === second.id), 'the created instance');
    await el.updateComplete;
    assert.equal(rows(el).map((r) => r.dataset.id), [second.id, first.id]);

    // Start run from the row: its counts follow the run to completion.
    row.querySelector<HTMLButtonElement>('button')!.click();
    await until(() => el.instances!.find((i) => i.id === first.id)!.runCounts.completed === 1, 'the completed count', 15000);
    await el.updateComplete;
    assert.is(await countsText(el, first.id), '✓1 completed');
    assert.match(el.shadowRoot!.querySelector('[role="status"]')!.textContent!, 'Started run');

    // A run started elsewhere counts too.
    await api('POST', `/api/instances/${second.id}/runs`, {});
    await until(() => el.instances!.find((i) => i.id === second.id)!.runCounts.completed === 1, 'the other run', 15000);

    // Filter by experiment.
    const filter = el.shadowRoot!.querySelector<HTMLSelectElement>('#filter')!;
    filter.value = 'kernel_fixture';
    filter.dispatchEvent(new Event('change'));
    await el.updateComplete;
    assert.equal(rows(el).map((r) => r.dataset.id), [second.id]);

    // Deleted elsewhere: gone here.
    await api('DELETE', `/api/instances/${second.id}`);
    await until(() => !el.instances!.some((i) => i.id === second.id), 'the deleted instance to go');
    await el.updateComplete;
    assert.match(el.shadowRoot!.textContent!, 'No instances of kernel_fixture');
    el.remove();
  });
});

test('latest activity first: a run moves its instance to the top, live; Sort by name or newest, in the URL', async () => {
  await withWorkbench(async ({ base, api }) => {
    const make = async (name: string) => (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name, configuration: { mode: 'return' } })).body;
    const older = await make('b-older');
    const newer = await make('A-newer');
    const el = await mount(base);
    const order = () => rows(el).map((r) => r.querySelector('a.name')!.textContent);
    assert.equal(order(), ['A-newer', 'b-older'], 'never run: newest first');
    assert.match(rows(el)[0]!.textContent!, 'never run');

    await api('POST', `/api/instances/${older.id}/runs`, {});
    await until(async () => (await el.updateComplete, order()[0] === 'b-older'), 'the instance that ran to move up');

    const urls: { path: string; replace?: boolean }[] = [];
    const record = (event: Event) => urls.push((event as CustomEvent).detail);
    document.addEventListener('athanor-navigate', record);
    try {
      const sort = el.shadowRoot!.querySelector<HTMLSelectElement>('#sort')!;
      sort.value = 'name';
      sort.dispatchEvent(new Event('change'));
      await el.updateComplete;
      assert.equal(order(), ['A-newer', 'b-older']);
      sort.value = 'created';
      sort.dispatchEvent(new Event('change'));
      await el.updateComplete;
      assert.equal(order(), ['A-newer', 'b-older']);
      assert.equal(urls, [{ path: '/experiments?sort=name', replace: true }, { path: '/experiments?sort=created', replace: true }]);
    } finally {
      document.removeEventListener('athanor-navigate', record);
    }
    assert.ok(newer.id);
    el.remove();
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
