import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-instance-view.ts';
import type { AthanorInstanceView } from '../../ui/elements/athanor-instance-view.ts';
import type { AthanorInstanceHistory } from '../../ui/elements/athanor-instance-history.ts';
import { NAVIGATE_EVENT } from '../../ui/app/navigation.ts';
import { flattenConfiguration, versionChanges } from '../../ui/state/version-changes.ts';
import type { InstanceVersion } from '../../core/records.ts';
import { addSampler } from '../helpers/history-fixture.ts';
import { withWorkbench } from './views-workbench.helpers.ts';
import { until } from '../helpers/until.ts';

const test = suite('instance history');
test.after.each(() => document.body.replaceChildren());

const text = (el: Element | ShadowRoot | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
/** The text as it shows on screen: without what only screen readers read. */
const seen = (el: Element) => {
  const copy = el.cloneNode(true) as Element;
  copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove());
  return text(copy);
};

function mountView(base: string, id: string) {
  const el = document.createElement('athanor-instance-view');
  el.setAttribute('api', base);
  el.setAttribute('instance-id', id);
  el.addEventListener(NAVIGATE_EVENT, (e) => e.preventDefault());
  document.body.append(el);
  return el;
}

const historyOf = (el: AthanorInstanceView) => el.shadowRoot!.querySelector('athanor-instance-history')!;
const entries = (history: AthanorInstanceHistory) => [...history.shadowRoot!.querySelectorAll<HTMLLIElement>('li.version')];
/** Each listed version as `v3: change; change` (or its summary line). */
const shownHistory = (history: AthanorInstanceHistory) =>
  entries(history).map((li) => {
    const changes = [...li.querySelectorAll('ul.changes > li')].map(seen);
    return `${text(li.querySelector('h3'))}: ${changes.length ? changes.join('; ') : text(li.querySelector('.summary'))}`;
  });

const version = (n: number, configuration: Record<string, unknown>, name = 'Base', description: string | null = null): InstanceVersion => ({
  version: n,
  name,
  description,
  configuration,
  createdAt: '2026-01-01T00:00:00.000Z',
});

test('changes read as flattened paths: nested groups, list items, added and removed fields', () => {
  assert.equal([...flattenConfiguration({ a: 1, sampling: { top_k: 40 }, items: [{ text: 'x' }], empty: [], 'odd key': true })], [
    ['a', 1],
    ['sampling.top_k', 40],
    ['items[0].text', 'x'],
    ['empty', []],
    ['["odd key"]', true],
  ]);
  const before = version(1, { model: 'small', sampling: { top_k: 40, temperature: 0.7 }, items: [{ text: 'a' }], gone: 1 });
  const after = version(2, { model: 'small', sampling: { top_k: 50, temperature: 0.7 }, items: [{ text: 'a' }, { text: 'b' }] }, 'Renamed', 'now described');
  assert.equal(
    versionChanges(before, after).map((c) => [c.field, c.kind, c.before, c.after, c.added, c.removed]),
    [
      ['name', 'instance', 'Base', 'Renamed', false, false],
      ['description', 'instance', null, 'now described', false, false],
      ['sampling.top_k', 'configuration', 40, 50, false, false],
      ['items[1].text', 'configuration', undefined, 'b', true, false],
      ['gone', 'configuration', 1, undefined, false, true],
    ],
  );
  assert.equal(versionChanges(undefined, after), [], 'the first version changed nothing');
});

test('the instance view lists its versions with what changed, and each run links to the version it ran', async () => {
  await withWorkbench(async ({ base, api, workbench }) => {
    await addSampler({ api });
    const instance = (await api('POST', '/api/instances', { experiment: 'sampler', name: 'Sampling', configuration: {} })).body;
    const first = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await api('PATCH', `/api/instances/${instance.id}`, { configuration: { model: 'small', sampling: { temperature: 0.7, top_k: 50 } } });
    await api('PATCH', `/api/instances/${instance.id}`, { name: 'Sampling wide', configuration: { model: 'large', sampling: { temperature: 1.1, top_k: 50 } } });
    const second = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await workbench.experiments.waitForRun(first.id);
    await workbench.experiments.waitForRun(second.id);

    const el = mountView(base, instance.id);
    await until(() => el.instance, 'the instance');
    await el.updateComplete;
    const history = historyOf(el);
    await until(() => entries(history).length === 3, 'three versions listed');
    assert.is(text(history.shadowRoot!.querySelector('h2')), 'History (3 versions)');
    assert.equal(shownHistory(history), [
      'v3: name: "Sampling" → "Sampling wide"; model: "small" → "large"; sampling.temperature: 0.7 → 1.1',
      'v2: sampling.top_k: 40 → 50',
      'v1: Created as Sampling.',
    ]);
    // A screen reader hears "changed to" where the eye sees the arrow.
    assert.is(text(entries(history)[1]!.querySelector('ul.changes > li')), 'sampling.top_k: 40 →changed to 50');
    assert.is(entries(history)[0]!.getAttribute('aria-current'), 'true', 'v3 is the current version');
    assert.match(text(entries(history)[0]!.querySelector('.tag')), 'current');

    // Each run's Config cell names its version and links to it.
    const link = (runId: string) => el.shadowRoot!.querySelector<HTMLAnchorElement>(`tr[data-id="${runId}"] a.version-link`)!;
    assert.equal([text(link(first.id)), text(link(second.id))], ['v1', 'v3']);
    assert.is(link(first.id).getAttribute('href'), `${base}/experiments/${instance.id}#version-1`);
    assert.match(link(first.id).getAttribute('aria-label')!, /^v1, the configuration run [0-9a-f]{8} ran$/);

    // Following the link highlights that version, opens its configuration and focuses it.
    link(first.id).click();
    await until(() => history.highlighted === 1, 'version 1 highlighted');
    await history.updateComplete;
    const v1 = history.shadowRoot!.querySelector<HTMLLIElement>('#version-1')!;
    assert.ok(v1.classList.contains('highlighted'));
    assert.ok(v1.querySelector('details')!.open, 'its configuration is open');
    const shownConfig = Object.fromEntries([...v1.querySelectorAll('details dt')].map((dt) => [text(dt), text(dt.nextElementSibling)]));
    assert.is(shownConfig.top_k, '40', 'version 1 as it was');
    assert.is(history.shadowRoot!.activeElement, v1, 'focused');
  });
});

test('older versions come a page at a time, and a link reaches a version not yet listed', async () => {
  await withWorkbench(async ({ base, api }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Paged', configuration: { iterations: 1 } })).body;
    for (let i = 2; i <= 4; i++) await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: i } });
    const history = document.createElement('athanor-instance-history');
    history.setAttribute('api', base);
    history.setAttribute('instance-id', instance.id);
    history.setAttribute('version', '4');
    history.setAttribute('page-size', '2');
    document.body.append(history);
    await until(() => entries(history).length === 2, 'the first page');
    await history.updateComplete;
    // v3's predecessor is on the next page: read on its own, so v3 still says what changed.
    assert.equal(shownHistory(history), ['v4: iterations: 3 → 4', 'v3: iterations: 2 → 3']);
    assert.is(text(history.shadowRoot!.querySelector('button.more')), 'Load older versions');
    assert.ok(await history.show(1), 'version 1 found on a later page');
    await history.updateComplete;
    assert.equal(entries(history).map((li) => li.dataset.version), ['4', '3', '2', '1']);
    assert.not.ok(history.shadowRoot!.querySelector('button.more'));
    assert.not.ok(await history.show(9), 'no version 9');
  });
});

test('a save elsewhere shows as a new version, live; the editor says past runs keep their configuration', async () => {
  await withWorkbench(async ({ base, api }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Live', configuration: { iterations: 2 } })).body;
    const el = mountView(base, instance.id);
    await until(() => el.instance, 'the instance');
    await el.updateComplete;
    const history = historyOf(el);
    await until(() => entries(history).length === 1, 'version 1');
    await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 9 } });
    await until(() => entries(history).length === 2, 'version 2, live');
    assert.equal(shownHistory(history)[0], 'v2: iterations: 2 → 9');

    const editor = el.shadowRoot!.querySelector('athanor-instance-editor')!;
    await editor.updateComplete;
    const note = editor.shadowRoot!.querySelector('#edit-history-note')!;
    assert.is(text(note), 'Saving changes future runs only; past runs keep the configuration they ran with.');
    assert.is(editor.shadowRoot!.querySelector('button[type="submit"]')!.getAttribute('aria-describedby'), 'edit-history-note');
  });
});

test('a run from before history was kept names no version', async () => {
  await withWorkbench(async ({ base, workbench }) => {
    const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'Old', configuration: {} });
    const run = await workbench.experiments.createRun(instance.id);
    // As migration 0003 leaves the runs it finds.
    await workbench.database.db.updateTable('runs').set({ instance_version: null }).where('id', '=', run.id).execute();
    const el = mountView(base, instance.id);
    await until(() => el.runs.length === 1, 'the run');
    await el.updateComplete;
    const cell = el.shadowRoot!.querySelectorAll(`tr[data-id="${run.id}"] td`)[6]!;
    assert.is(text(cell), '—');
    assert.not.ok(cell.querySelector('a'), 'no link');
    assert.is(cell.querySelector('span')!.getAttribute('title'), 'Run before instance history was kept');
    assert.is(text(el.shadowRoot!.querySelector('table.runs thead th:nth-child(7)')), 'Config');
  });
});

test.run();
