import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-results-panel.ts';
import type { AthanorResultsPanel } from '../../ui/elements/athanor-results-panel.ts';
import type { AthanorSeriesChart } from '../../ui/elements/athanor-series-chart.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';
import { runningRun } from './run-data.helpers.ts';

function mount(base: string, runId: string): AthanorResultsPanel {
  const el = document.createElement('athanor-results-panel');
  el.setAttribute('api', base);
  el.setAttribute('run-id', runId);
  document.body.append(el);
  return el;
}

const keys = (el: AthanorResultsPanel) => [...el.shadowRoot!.querySelectorAll('tr[data-key]')].map((tr) => tr.getAttribute('data-key'));
const sparklineKeys = (el: AthanorResultsPanel) =>
  [...el.shadowRoot!.querySelectorAll('tr[data-key]')].filter((tr) => tr.querySelector('athanor-sparkline')?.shadowRoot?.querySelector('svg')).map((tr) => tr.getAttribute('data-key'));
const sortButton = (el: AthanorResultsPanel, by: string) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.startsWith(by))!;

const test = suite('results panel');
test.after.each(() => document.body.replaceChildren());

test('key → latest value, sortable by key or time, a sparkline only for numeric series', () =>
  withServer(async ({ base, workbench }) => {
    const { runId, instanceId } = await runningRun(workbench);
    const t0 = Date.now() - 10_000;
    await workbench.experiments.appendResults(runId, [
      { key: 'loss', value: 0.9, recordedAt: t0 },
      { key: 'summary', value: { a: { b: { c: { d: 1 } } } }, recordedAt: t0 + 1000 },
      { key: 'loss', value: 0.5, recordedAt: t0 + 2000 },
      { key: 'iteration_10', value: 'ten', recordedAt: t0 + 3000 },
      { key: 'iteration_2', value: 2, recordedAt: t0 + 4000 },
      { key: 'loss', value: 0.3, recordedAt: t0 + 5000 },
    ]);
    const el = mount(base, runId);
    await until(() => keys(el).length === 4, 'four keys');
    assert.equal(keys(el), ['iteration_2', 'iteration_10', 'loss', 'summary'], 'by key, natural order');
    await until(() => sparklineKeys(el).length === 1, 'a sparkline');
    assert.equal(sparklineKeys(el), ['loss'], 'iteration_2 has one point: no chart; summary and iteration_10 are not numbers');
    const svg = el.shadowRoot!.querySelector('tr[data-key="loss"] athanor-sparkline')!.shadowRoot!.querySelector('svg')!;
    assert.is(svg.getAttribute('aria-label'), 'loss: 3 points, min 0.3, max 0.9, last 0.3');
    assert.match(el.shadowRoot!.querySelector('tr[data-key="loss"] athanor-json-tree')!.shadowRoot!.textContent!, '0.3');

    sortButton(el, 'time').click();
    await el.updateComplete;
    assert.equal(keys(el), ['loss', 'iteration_2', 'iteration_10', 'summary'], 'newest first');
    sortButton(el, 'time').click();
    await el.updateComplete;
    assert.equal(keys(el), ['summary', 'iteration_10', 'iteration_2', 'loss'], 'oldest first');
    sortButton(el, 'key').click();
    await el.updateComplete;
    assert.is(sortButton(el, 'key').getAttribute('aria-pressed'), 'true');

    // Live: a new point of a series and a new key.
    await workbench.experiments.appendResults(runId, [{ key: 'loss', value: 0.2 }, { key: 'acc', value: 0.8 }]);
    const page = await workbench.experiments.readResults(runId, { after: 6 });
    workbench.bus.publish('run.result', { runId, instanceId, entries: page.items });
    await until(() => keys(el)[0] === 'acc', 'the new key, live');
    await until(
      () => el.shadowRoot!.querySelector('tr[data-key="loss"] athanor-sparkline')?.shadowRoot?.querySelector('svg')?.getAttribute('aria-label')?.startsWith('loss: 4 points'),
      'the series grows live',
    );
  }),
);

test('a numeric series gets a chart above the table; its sparkline is the whole series downsampled, extremes kept', () =>
  withServer(async ({ base, workbench }) => {
    const { runId } = await runningRun(workbench);
    // A spike in the middle: downsampling must not lose it.
    await workbench.experiments.appendResults(runId, Array.from({ length: 900 }, (_, i) => ({ key: 'loss', value: i === 450 ? 5000 : i })));
    await workbench.experiments.appendResults(runId, [{ key: 'once', value: 1 }, { key: 'label', value: 'x' }]);
    const el = mount(base, runId);
    const label = () => el.shadowRoot!.querySelector('tr[data-key="loss"] athanor-sparkline')?.shadowRoot?.querySelector('svg')?.getAttribute('aria-label');
    await until(() => label(), 'the sparkline', 30_000);
    const [, points] = /^loss: (\d+) points, min 0, max 5000, last 899$/.exec(label()!) ?? [];
    assert.ok(points && Number(points) <= 300, `read downsampled to its 300 points at most: ${label()}`);
    const charts = [...el.shadowRoot!.querySelectorAll('figure[data-key]')].map((f) => f.getAttribute('data-key'));
    assert.equal(charts, ['loss'], 'one value (once) or none numeric (label): no chart');
    const chart = el.shadowRoot!.querySelector<AthanorSeriesChart>('figure[data-key="loss"] athanor-series-chart')!;
    await until(() => chart.total === 900, 'the chart of the whole series', 30_000);
  }),
);

test('a few keys show their values open; past 12 keys each value starts closed, one line to open', () =>
  withServer(async ({ base, workbench }) => {
    const closedTrees = (el: AthanorResultsPanel) => [...el.shadowRoot!.querySelectorAll('athanor-json-tree')].filter((tree) => tree.closed).length;
    const few = await runningRun(workbench);
    await workbench.experiments.appendResults(few.runId, Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: { iteration: i } })));
    const open = mount(base, few.runId);
    await until(() => keys(open).length === 12, 'twelve keys');
    assert.is(closedTrees(open), 0);
    const many = await runningRun(workbench);
    await workbench.experiments.appendResults(many.runId, Array.from({ length: 13 }, (_, i) => ({ key: `k${i}`, value: { iteration: i } })));
    const closed = mount(base, many.runId);
    await until(() => keys(closed).length === 13, 'thirteen keys');
    assert.is(closedTrees(closed), 13);
  }),
);

test('no results yet; a run that ended with none says so; an unknown run says so', () =>
  withServer(async ({ base, workbench }) => {
    const { runId } = await runningRun(workbench);
    const el = mount(base, runId);
    await until(() => /No results yet/.test(el.shadowRoot!.textContent!), 'empty');
    el.run = await workbench.experiments.transitionRun(runId, 'completed');
    await until(() => /This run recorded no results\./.test(el.shadowRoot!.textContent!), 'ended with none');
    assert.not.match(el.shadowRoot!.textContent!, 'yet');
    const missing = mount(base, '00000000-0000-4000-8000-000000000000');
    await until(() => /not found/.test(missing.shadowRoot!.textContent!), 'not found');
  }),
);

test.run();
