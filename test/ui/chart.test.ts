// <athanor-chart> without a canvas (happy-dom draws nothing): its controls, its notes and
// what it tells screen readers. The drawing itself is tested in Chromium (test/browser/chart.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-chart.ts';
import type { AthanorChart, ChartSeries } from '../../ui/elements/athanor-chart.ts';

function mount(series: ChartSeries[], attributes: Record<string, string> = {}): AthanorChart {
  const el = document.createElement('athanor-chart');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.series = series;
  document.body.append(el);
  return el;
}

const root = (el: AthanorChart) => el.shadowRoot!;
const note = (el: AthanorChart) => root(el).querySelector('.note')!.textContent!.trim();
const summaryRows = (el: AthanorChart) =>
  [...root(el).querySelectorAll('.visually-hidden table tbody tr')].map((tr) => [...tr.children].map((cell) => cell.textContent!.trim()));
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

const test = suite('<athanor-chart> in happy-dom: controls, notes, summary');
test.after.each(() => document.body.replaceChildren());

test('the plot is named by a summary and a hidden table gives each series its extent', async () => {
  const el = mount([{ label: 'loss', points: [[0, 15], [1, 2], [2, 1e-29]] }], { label: 'Loss' });
  await el.updateComplete;
  const plot = root(el).querySelector('.plot')!;
  assert.is(plot.getAttribute('role'), 'img');
  assert.is(plot.getAttribute('aria-label'), 'Loss: line chart by step, linear scale. loss: 3 points, steps 0 to 2, first 15, last 1e-29, min 1e-29, max 15');
  assert.equal(summaryRows(el), [['loss', '3', '0 – 2', '15', '1e-29', '1e-29', '15']]);
});

test('the log toggle flips the scale, says so, and tells the page', async () => {
  const el = mount([{ label: 'loss', points: [[0, 15], [1, 1e-29]] }]);
  await el.updateComplete;
  const changes: boolean[] = [];
  el.addEventListener('log-change', (event) => changes.push((event as CustomEvent<{ log: boolean }>).detail.log));
  const toggle = root(el).querySelector<HTMLButtonElement>('button')!;
  assert.is(toggle.textContent, 'Log scale');
  assert.is(toggle.getAttribute('aria-pressed'), 'false');
  toggle.click();
  await el.updateComplete;
  assert.ok(el.log);
  assert.ok(el.hasAttribute('log'), 'reflected');
  assert.is(toggle.getAttribute('aria-pressed'), 'true');
  assert.match(root(el).querySelector('.plot')!.getAttribute('aria-label')!, 'logarithmic scale');
  assert.equal(changes, [true]);
  assert.is(note(el), '');
});

test('a series with values ≤ 0 is named on a log scale; when none can be shown the scale stays linear', async () => {
  const el = mount(
    [
      { label: 'loss', points: [[0, 1], [1, 0.1]] },
      { label: 'reward', points: [[0, -2], [1, 3]] },
    ],
    { log: '' },
  );
  await el.updateComplete;
  assert.is(note(el), 'Log scale is not possible for reward (lowest -2): values ≤ 0. Not drawn.');
  assert.match(root(el).querySelector('.plot')!.getAttribute('aria-label')!, 'logarithmic scale');
  el.series = [{ label: 'reward', points: [[0, 0], [1, 3]] }];
  await el.updateComplete;
  assert.is(note(el), 'Log scale is not possible: values ≤ 0 in reward (lowest 0). Shown on a linear scale.');
  assert.match(root(el).querySelector('.plot')!.getAttribute('aria-label')!, 'linear scale');
});

test('appended points count once the frame has run; a value ≤ 0 appended on a log scale is named', async () => {
  const el = mount([{ label: 'loss', points: [[0, 5]] }], { log: '' });
  await el.updateComplete;
  el.append(0, [[1, 4], [2, 3]]);
  el.appendPoints(0, [[3, 2]]);
  assert.is(el.pointCount, 1, 'nothing applied before the frame');
  await frame();
  await el.updateComplete;
  assert.is(el.pointCount, 4);
  assert.equal(summaryRows(el), [['loss', '4', '0 – 3', '5', '2', '2', '5']]);
  el.append(0, [[4, -1]]);
  await frame();
  await el.updateComplete;
  assert.match(note(el), 'Log scale is not possible: values ≤ 0 in loss (lowest -1)');
  assert.throws(() => el.append(3, [[0, 1]]), /series 3 does not exist \(the chart has 1\)/);
});

test('no points: says so instead of an empty plot', async () => {
  const el = mount([{ label: 'loss', points: [] }]);
  await el.updateComplete;
  assert.is(root(el).querySelector('.empty')!.textContent, 'No points yet.');
  assert.ok(root(el).querySelector('.plot')!.hasAttribute('hidden'));
});

test.run();
