// <athanor-series-chart> against a real workbench: the downsampled read, live values, the
// read again past twice the points and when the run ends. (Drawn in Chromium: test/browser/run-view-chart.test.ts.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-series-chart.ts';
import type { AthanorSeriesChart } from '../../ui/elements/athanor-series-chart.ts';
import type { Workbench } from '../../core/workbench.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';
import { runningRun } from './run-data.helpers.ts';

function mount(base: string, runId: string, key: string, points = 20): AthanorSeriesChart {
  const el = document.createElement('athanor-series-chart');
  el.setAttribute('api', base);
  el.setAttribute('run-id', runId);
  el.setAttribute('key', key);
  el.setAttribute('points', String(points));
  document.body.append(el);
  return el;
}

/** The x span the chart tells screen readers, e.g. "0 – 54". */
const span = (el: AthanorSeriesChart) => el.chart?.shadowRoot?.querySelector('.visually-hidden table tbody tr td:nth-child(3)')?.textContent?.trim();

/** Stores `values` of `key` and publishes them as the run kernel does after a flush. */
async function record(workbench: Workbench, ids: { runId: string; instanceId: string }, key: string, values: unknown[]): Promise<void> {
  const before = await workbench.experiments.readResults(ids.runId, { view: 'latest' });
  const after = Math.max(0, ...before.items.map((e) => e.seq));
  await workbench.experiments.appendResults(ids.runId, values.map((value) => ({ key, value })));
  const page = await workbench.experiments.readResults(ids.runId, { after, limit: 10_000 });
  workbench.bus.publish('run.result', { ...ids, entries: page.items });
}

const test = suite('<athanor-series-chart>: a run series, downsampled and live');
test.after.each(() => document.body.replaceChildren());

test('reads the downsampled series, then adds live values at the steps after it, and reads again past twice the points', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await workbench.experiments.appendResults(ids.runId, Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: 10 / (i + 1) })));
    const el = mount(base, ids.runId, 'loss', 20);
    await until(() => (el.chart?.pointCount ?? 0) > 0, 'the series');
    const read = el.chart!.pointCount;
    assert.ok(read <= 20, `${read} points for 20 asked`);
    assert.is(el.total, 50);
    await until(() => span(el) === '0 – 49', 'the steps 0 to 49');

    // Live: others' keys and values that are not numbers are not drawn.
    await record(workbench, ids, 'acc', [0.5]);
    await record(workbench, ids, 'loss', [0.1, 0.09, 'n/a', 0.08]);
    await until(() => el.total === 53, 'three live values');
    await until(() => el.chart!.pointCount === read + 3, 'drawn at the next frame');
    await until(() => span(el) === '0 – 52', 'at steps 50 to 52');

    // Past 2 × 20 points drawn: read again, downsampled.
    await record(workbench, ids, 'loss', Array.from({ length: 40 }, (_, i) => 0.05 / (i + 1)));
    await until(() => el.total === 93 && el.chart!.pointCount <= 20, 'a new downsampled read past 40 points');
    await until(() => span(el) === '0 – 92', 'every step, from the server');
  }));

test('live values the read already holds are not drawn again (sent during the read, or again by the stream): no step twice', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await workbench.experiments.appendResults(ids.runId, Array.from({ length: 50 }, (_, i) => ({ key: 'loss', value: 10 / (i + 1) })));
    const flushed = await workbench.experiments.readResults(ids.runId, { after: 0, limit: 10_000 });
    const el = mount(base, ids.runId, 'loss', 100);
    await until(() => el.chart?.pointCount === 50, 'the read, its 50 points');
    // A tab's stream may send again what came before its views' reads (the athanor-event-id
    // rewind): before, these took steps 50 and up and were drawn again, the total 55.
    workbench.bus.publish('run.result', { ...ids, entries: flushed.items.slice(45) });
    workbench.bus.publish('run.result', { ...ids, entries: flushed.items.slice(48) });
    await record(workbench, ids, 'loss', [0.01]);
    await until(() => el.total === 51, 'one new value');
    await el.updateComplete;
    await until(() => span(el) === '0 – 50' && el.chart!.pointCount === 51, 'steps 0 to 50, each once');
  }));

test('when the run ends the chart reads its series once more; a key without numbers says so', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await workbench.experiments.appendResults(ids.runId, [{ key: 'loss', value: 3 }, { key: 'loss', value: 2 }]);
    const el = mount(base, ids.runId, 'loss');
    await until(() => el.total === 2, 'the series');
    // Stored but never published (as if the event was lost): the end's read finds it.
    await workbench.experiments.appendResults(ids.runId, [{ key: 'loss', value: 1 }]);
    const run = await workbench.experiments.getRun(ids.runId);
    workbench.bus.publish('run.status', { ...ids, status: 'completed', run: { ...run, status: 'completed' } });
    await until(() => el.total === 3 && el.chart?.pointCount === 3, 'the read when the run ends');

    const missing = mount(base, ids.runId, 'nothing_here');
    const alert = await until(() => missing.shadowRoot!.querySelector('[role="alert"]')?.textContent, 'an error');
    assert.match(alert, 'nothing_here');
  }));

test.run();
