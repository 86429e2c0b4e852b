import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { render } from 'lit';
import '../../ui/elements/athanor-compare.ts';
import { configurationTable, formatDelta, metricsTable, resultsTable } from '../../ui/elements/compare/compare-tables.ts';
import type { Comparison } from '../../core/records.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';

const run = (id: string, startedAt: string | null) => ({
  id, instanceId: `i-${id}`, instanceName: id, experiment: 'e', status: 'completed' as const, error: null, startedAt, completedAt: null, codeHash: null, configuration: {},
});

test('a huge relative delta reads short: its share in powers of ten, never a row of digits', () => {
  assert.is(formatDelta(1234567.89, 0.01), '+1235000 (+1.2e10%)');
  assert.is(formatDelta(-0.5, 1), '−0.5 (−50%)');
  assert.is(formatDelta(45, 10), '+45 (+450%)');
  for (const [delta, base] of [[123456789, 1], [1e12, 3], [-9e9, 0.001]] as const) {
    const share = /\((.*)\)$/.exec(formatDelta(delta, base))?.[1] ?? '';
    assert.match(share, /^[+−]\d(\.\d)?e\d+%$/, `${formatDelta(delta, base)}: its share in powers of ten`);
  }
});

test('a relative delta under 10,000 % reads as a plain percent to 3 significant digits', () => {
  assert.is(formatDelta(0.3333, 0.3333), '+0.3333 (+100%)');
  assert.is(formatDelta(0.33329, 0.3333), '+0.3333 (+100%)', 'rounds up to 100, not 1.0e+2');
  assert.is(formatDelta(-0.0411, 0.3), '−0.0411 (−13.7%)');
  assert.is(formatDelta(25, 1), '+25 (+2,500%)');
  assert.is(formatDelta(-0.0065, 10), '−0.0065 (−0.065%)');
  assert.is(formatDelta(19000, 1), '+19,000 (+1.9e6%)');
  assert.match(formatDelta(9999.6, 100), /\(\+1\.0e4%\)$/, 'what rounds to 10,000 % is past the line');
});

test('every run tied for the best value of a row is starred', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null), run('c', null)],
    baseline: 'a',
    configuration: [],
    metrics: [{ key: 'accuracy', values: [0.9, 0.8, 0.9], deltas: [0, -0.1, 0], goal: 'max', best: 0 }],
    results: [],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(metricsTable('', comparison), host);
  const starred = [...host.querySelectorAll('td')].filter((td) => td.querySelector('.best-mark')).map((td) => td.dataset['run']);
  assert.equal(starred, ['a', 'c']);
  assert.equal([...host.querySelectorAll('td.best')].map((td) => (td as HTMLElement).dataset['run']), ['a', 'c']);
});

test('a field one run\'s configuration lacks shows as absent (—), not as null, and differs from the baseline\'s value', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null), run('c', null)],
    baseline: 'a',
    configuration: [{ field: 'seed', values: [null, null, 3], absent: [1], changed: true }],
    metrics: [],
    results: [],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(configurationTable('', comparison, true, () => {}), host);
  const cells = [...host.querySelectorAll('tr[data-field="seed"] td')];
  assert.equal(cells.map((td) => td.textContent?.trim()), ['null', '—', '3']);
  assert.is(cells[1]!.querySelector('[title]')?.getAttribute('title'), 'Not in this run\'s configuration: its code had no such field, or it was left unset');
  assert.equal(cells.map((td) => td.classList.contains('differs')), [false, true, true]);
});

test('results that are not numbers show side by side, — where a run recorded none, those that differ from the baseline\'s marked', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null), run('c', null)],
    baseline: 'a',
    configuration: [],
    metrics: [],
    results: [{ key: 'sample', values: ['a cat', null, 'a dog'], absent: [1], changed: true }],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(resultsTable('', comparison), host);
  const cells = [...host.querySelectorAll('tr[data-key="sample"] td')];
  assert.equal(cells.map((td) => td.textContent?.trim()), ['a cat', '—', 'a dog']);
  assert.is(cells[1]!.querySelector('[title]')?.getAttribute('title'), 'This run recorded no such result');
  assert.equal(cells.map((td) => td.classList.contains('differs')), [false, true, true]);
  // A long value shows its start, and opens on all of it (a phone has no hover to read a tooltip).
  const answer = `${'a long answer '.repeat(40)}that ends here`;
  render(resultsTable('', { ...comparison, results: [{ key: 'answer', values: [answer, { tokens: ['x', 'y'] }, null], absent: [2], changed: true }] }), host);
  const long = host.querySelector('tr[data-key="answer"] td details.long-value')!;
  assert.is(long.querySelector('summary')?.textContent, `${answer.slice(0, 79)}…`);
  assert.is(long.querySelector('pre')?.textContent, answer);
  assert.is(host.querySelectorAll('details').length, 1, 'a short value is shown whole, not folded');
  render(resultsTable('', { ...comparison, results: [] }), host);
  assert.is(host.querySelector('table'), null, 'no table when every result is a number');
});

test('results the same in every run are folded under a button, as unchanged fields are; an empty text reads "", not a blank', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null)],
    baseline: 'a',
    configuration: [],
    metrics: [],
    results: [
      { key: 'label', values: ['', 'cat'], absent: [], changed: true },
      { key: 'pad', values: ['cat', ' '], absent: [], changed: true },
      { key: 'dataset', values: ['mnist', 'mnist'], absent: [], changed: false },
      { key: 'split', values: ['test', 'test'], absent: [], changed: false },
    ],
    series: [],
    code: { hashes: [null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  let open = false;
  const draw = () => render(resultsTable('', comparison, open, () => ((open = !open), draw())), host);
  draw();
  assert.equal([...host.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-key')), ['label', 'pad'], 'only those that differ');
  const empty = host.querySelector('tr[data-key="label"] td span')!;
  assert.equal([empty.textContent, empty.getAttribute('title')], ['""', 'An empty text']);
  const spaces = host.querySelectorAll('tr[data-key="pad"] td span')[1]!;
  assert.equal([spaces.textContent, spaces.getAttribute('title')], ['" "', 'A text of only spaces']);
  const fold = host.querySelector<HTMLButtonElement>('button.fold')!;
  assert.equal([fold.textContent?.trim(), fold.getAttribute('aria-expanded')], ['2 unchanged', 'false']);
  fold.click();
  assert.equal([...host.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-key')), ['label', 'pad', 'dataset', 'split']);
  assert.equal([host.querySelector('button.fold')!.textContent?.trim(), host.querySelector('button.fold')!.getAttribute('aria-expanded')], ['Hide 2 unchanged', 'true']);
  // None differs: said above the table, every row folded.
  render(resultsTable('', { ...comparison, results: comparison.results.slice(2) }), host);
  assert.match(host.querySelector('p.summary')?.textContent ?? '', 'Every result is the same in every run.');
  assert.is(host.querySelectorAll('tbody tr').length, 0);
});

test('a near-perfect accuracy reads as near-perfect in the metrics table, not as 1', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null)],
    baseline: 'a',
    configuration: [],
    metrics: [{ key: 'accuracy', values: [0.9, 0.99999928], deltas: [0, 0.09999928], goal: 'max', best: 1 }],
    results: [],
    series: [],
    code: { hashes: [null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(metricsTable('', comparison), host);
  assert.is(host.querySelector('td[data-run="b"] .value')?.textContent, '0.9999993');
});

test('a key that is a number in one run and text in another shows that text in the metrics table, not a dash that reads as none', () => {
  const comparison: Comparison = {
    runs: [run('a', null), run('b', null), run('c', null)],
    baseline: 'a',
    configuration: [],
    metrics: [{ key: 'score', values: [0.5, null, null], deltas: [0, null, null], goal: 'max', best: 0 }],
    results: [{ key: 'score', values: [0.5, 'n/a', null], absent: [2], changed: true }],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(metricsTable('', comparison), host);
  const cell = (id: string) => host.querySelector(`td[data-run="${id}"]`)!;
  assert.is(cell('b').querySelector('.not-number')?.textContent, 'n/a');
  assert.match(cell('b').querySelector('.not-number')!.getAttribute('title')!, 'Not a number');
  assert.is(cell('c').textContent?.trim(), '—', 'a run without the key still reads —');
  assert.is(cell('c').querySelector('span')!.getAttribute('title'), 'No value yet');
});

test('a run header keeps each field=value of a long name whole, breaking only between them, the full name in its tooltip', () => {
  const name = 'lr=0.001 · latency_ms=100 · augment=true';
  const comparison: Comparison = {
    runs: [{ ...run('a', null), instanceName: name }],
    baseline: 'a', configuration: [], metrics: [{ key: 'loss', values: [1], deltas: [0], goal: 'min', best: 0 }], results: [], series: [],
    code: { hashes: [null], same: true, diffs: [] },
  };
  const host = document.createElement('div');
  render(metricsTable('', comparison), host);
  const instance = host.querySelector('th[data-run="a"] .instance')!;
  assert.is(instance.getAttribute('title'), name);
  assert.equal([...instance.querySelectorAll('.name-part')].map((part) => part.textContent), ['lr=0.001', 'latency_ms=100', 'augment=true']);
  assert.is(instance.textContent?.replace(/\s+/g, ' ').trim(), name);
});

test('the baseline is the oldest run, whatever the order of the ids; one the URL names is kept, one it names wrong falls back', async () => {
  await withServer(async ({ base, api }) => {
    try {
      const ids: string[] = [];
      for (const name of ['older', 'newer']) {
        const instance = await api('POST', '/api/instances', { experiment: 'my_experiment', name, configuration: { iterations: 2 } });
        const started = await api('POST', `/api/instances/${instance.body.id}/runs`);
        ids.push(started.body.id);
        await until(async () => ['completed', 'failed'].includes((await api('GET', `/api/runs/${started.body.id}`)).body.status), `run ${name} to end`, 30_000);
      }
      const [older, newer] = ids as [string, string];
      const mount = async (baseline?: string) => {
        const el = document.createElement('athanor-compare');
        el.setAttribute('api', base);
        el.setAttribute('runs', `${newer},${older}`);
        if (baseline) el.setAttribute('baseline', baseline);
        document.body.append(el);
        await until(() => el.comparison, 'the comparison');
        await el.updateComplete;
        return el;
      };
      const plain = await mount();
      assert.is(plain.comparison!.baseline, older, 'the oldest, though listed last');
      assert.is(plain.shadowRoot!.querySelector<HTMLSelectElement>('select#baseline')!.value, older);
      const named = await mount(newer);
      assert.is(named.comparison!.baseline, newer, 'the URL’s baseline');
      // Answers the page saw: a baseline that matches none of the ids is not even asked for.
      const statuses: number[] = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = async (input, init) => {
        const response = await realFetch(input, init);
        if (String(input).includes('/api/compare')) statuses.push(response.status);
        return response;
      };
      let wrong;
      try {
        wrong = await mount('ffffffff-ffff-4fff-8fff-ffffffffffff');
      } finally {
        globalThis.fetch = realFetch;
      }
      assert.equal(statuses, [200], 'one request, not a refused one first');
      assert.is(wrong.comparison!.baseline, older, 'a baseline not among the runs: the oldest');
      // Said on the page, not dropped silently; none where the baseline asked for is used.
      assert.is(
        wrong.shadowRoot!.querySelector('.baseline-note[role="status"]')?.textContent,
        'The baseline asked for, "ffffffff-ffff-4fff-8fff-ffffffffffff", is not one of these runs: the deltas are against the run that started first.',
      );
      assert.is(named.shadowRoot!.querySelector('.baseline-note'), null);
      assert.is(plain.shadowRoot!.querySelector('.baseline-note'), null);
    } finally {
      document.body.replaceChildren();
    }
  });
});

test('a run given twice is said as such, not counted as one run too few', async () => {
  const el = document.createElement('athanor-compare') as HTMLElement & { updateComplete: Promise<unknown> };
  el.setAttribute('runs', 'abc12345,abc12345');
  document.body.append(el);
  try {
    await until(() => el.shadowRoot?.querySelector('[role="alert"]'), 'the problem');
    assert.is(el.shadowRoot!.querySelector('[role="alert"]')!.textContent, 'Run abc12345 is given twice: compare takes each run once (/compare?runs=ID,ID)');
  } finally {
    el.remove();
  }
});

test.run();
