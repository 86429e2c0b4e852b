import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  describeFilter, formatTableState, instanceOf, nextSort, parseFilter, parseTableState, statusesOf, withInstance, withMetricRange, withStatuses,
} from '../../ui/elements/runs-table/runs-table-query.ts';
import {
  availableColumns, cellValue, flattenConfiguration, requestedColumns, shownColumns,
} from '../../ui/elements/runs-table/runs-table-columns.ts';
import { formatDelta } from '../../ui/elements/compare/compare-tables.ts';
import { formatMetric } from '../../ui/app/format.ts';
import type { Run, RunsTableRow } from '../../core/records.ts';
import { RunsTableData } from '../../ui/elements/runs-table/runs-table-data.ts';
import { latestFromRun } from '../../ui/elements/latest-run.ts';

test('the table state reads back from its URL query as it was written', () => {
  const state = { sort: { column: 'metrics.loss', direction: 'desc' as const }, filters: ['status=completed|failed', 'metrics.loss<=0.5', 'config.model=small'], columns: ['run', 'status', 'metrics.loss'] };
  const query = formatTableState(state);
  assert.is(query, 'sort=metrics.loss%3Adesc&filter=status%3Dcompleted%7Cfailed&filter=metrics.loss%3C%3D0.5&filter=config.model%3Dsmall&columns=run%2Cstatus%2Cmetrics.loss');
  assert.equal(parseTableState(query), state);
  assert.equal(parseTableState(`?${query}`), state, 'with its ?');
  assert.is(formatTableState({ sort: null, filters: [], columns: null }), '', 'the defaults: an empty query');
  assert.equal(parseTableState(''), { sort: null, filters: [], columns: null });
});

test('a query typed by hand: a sort without direction ascends, filters outside the syntax are dropped', () => {
  assert.equal(parseTableState('sort=instance').sort, { column: 'instance', direction: 'asc' });
  assert.equal(parseTableState('filter=nonsense&filter=status=running').filters, ['status=running']);
  assert.equal(parseTableState('columns=').columns, [], 'columns= shows only the run column');
});

test('a header clicked sorts ascending, then descending, then ascending', () => {
  const first = nextSort(null, 'metrics.loss');
  assert.equal(first, { column: 'metrics.loss', direction: 'asc' });
  const second = nextSort(first, 'metrics.loss');
  assert.equal(second, { column: 'metrics.loss', direction: 'desc' });
  assert.equal(nextSort(second, 'metrics.loss'), first);
  assert.equal(nextSort(second, 'startedAt'), { column: 'startedAt', direction: 'asc' }, 'another column starts ascending');
});

test('filters parse with every operator and read as words', () => {
  assert.equal(parseFilter('metrics.loss>=0.1'), { column: 'metrics.loss', operator: '>=', value: '0.1' });
  assert.equal(parseFilter('config.sampling.top_k!=5'), { column: 'config.sampling.top_k', operator: '!=', value: '5' });
  assert.equal(parseFilter('instance=a=b'), { column: 'instance', operator: '=', value: 'a=b' }, 'the value may hold the operator');
  assert.is(parseFilter('loss>1'), undefined, 'a metric is named metrics.<key>');
  assert.is(describeFilter('metrics.loss>=0.1'), 'loss ≥ 0.1');
  assert.is(describeFilter('status=completed|failed|cancelled'), 'status is completed, failed or cancelled');
  assert.is(describeFilter('config.model!=small'), 'model ≠ small');
  assert.is(describeFilter('instance=baseline'), 'instance is baseline');
  // A sweep's 22 instances by id: how many, the first two shortened.
  const ids = Array.from({ length: 22 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
  assert.is(describeFilter(`instance=${ids.join('|')}`), 'instance is one of 22: 00000000, 00000001, …');
});

test('the status, instance and metric range controls replace their own filters and keep the others', () => {
  const others = ['metrics.loss<1'];
  const some = withStatuses(others, ['failed', 'completed']);
  assert.equal(some, ['metrics.loss<1', 'status=completed|failed'], 'in the statuses’ order');
  assert.equal(statusesOf(some), ['completed', 'failed']);
  assert.equal(withStatuses(some, []), others, 'none: no status filter');
  assert.equal(withStatuses(some, ['pending', 'running', 'completed', 'failed', 'cancelled']), others, 'all five: no status filter');
  assert.equal(withInstance(others, ' trial 1 '), ['metrics.loss<1', 'instance=trial 1']);
  assert.is(instanceOf(withInstance(others, 'trial 1')), 'trial 1');
  assert.equal(withInstance(['instance=x'], ''), []);
  const ranged = withMetricRange(['metrics.loss>=5', 'metrics.loss<1', 'status=failed'], 'loss', '0.1', '');
  assert.equal(ranged, ['metrics.loss<1', 'status=failed', 'metrics.loss>=0.1'], 'the old bounds go, a strict bound stays');
  assert.equal(withMetricRange([], 'acc', '', '0.9'), ['metrics.acc<=0.9']);
});

const row: RunsTableRow = {
  id: 'r1', instanceId: 'i1', instanceName: 'one', status: 'completed', createdAt: '', startedAt: null, completedAt: null,
  configuration: { model: 'small', sampling: { top_k: 5, temps: [0.1, 0.2] }, flags: null },
  metrics: { loss: 0.25 },
  worker: null,
};

test('a run status sent again from before the table read leaves its row as it is: a finished run never shows running', () => {
  const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };
  const data = new RunsTableData(host);
  data.rows = [row];
  const running = { id: 'r1', instanceId: 'i1', status: 'running', startedAt: '2026-01-01T00:00:00.000Z', completedAt: null } as Run;
  assert.ok(data.patchRun(running), 'the run is one of the rows');
  assert.is(data.rows[0]!.status, 'completed', 'before: running');
  data.rows = [{ ...row, status: 'pending' }];
  data.patchRun(running);
  assert.is(data.rows[0]!.status, 'running', 'a status further along is shown at once');
});

test('an instance list’s latest run keeps a status further along than one sent again', () => {
  const shown = { id: 'r1', status: 'completed', createdAt: '2026-01-01T00:00:00.000Z', startedAt: null, completedAt: '2026-01-01T00:00:02.000Z', metrics: { loss: 0.5 } } as const;
  const running = { id: 'r1', instanceId: 'i1', status: 'running', createdAt: shown.createdAt, startedAt: shown.createdAt, completedAt: null } as Run;
  assert.is(latestFromRun(running, shown), shown, 'before: running, its metrics kept');
  assert.equal(latestFromRun({ ...running, id: 'r2' }, shown).status, 'running', 'another run is the latest');
});

test('configuration groups flatten to dotted paths; lists stay whole', () => {
  assert.equal(flattenConfiguration(row.configuration), { model: 'small', 'sampling.top_k': 5, 'sampling.temps': [0.1, 0.2], flags: null });
  assert.equal(flattenConfiguration(null), {});
});

test('columns: the run’s own, then configuration, then metrics; a choice keeps the run column and asks the API only for its own', () => {
  const columns = availableColumns({ configuration: ['model', 'sampling.top_k'], metrics: ['metrics.loss'] });
  assert.equal(columns.map((c) => c.id), ['run', 'instance', 'status', 'startedAt', 'duration', 'config.model', 'config.sampling.top_k', 'metrics.loss']);
  assert.equal(shownColumns(columns, ['metrics.loss', 'status']).map((c) => c.id), ['run', 'status', 'metrics.loss'], 'in the table’s order');
  assert.is(shownColumns(columns, null).length, columns.length);
  assert.equal(requestedColumns(['run', 'config.model', 'metrics.loss']), ['config.model', 'metrics.loss']);
  assert.is(requestedColumns(null), undefined);
  assert.is(cellValue(row, columns.find((c) => c.id === 'config.sampling.top_k')!), 5);
  assert.is(cellValue(row, columns.find((c) => c.id === 'metrics.loss')!), 0.25);
});

test('metrics and deltas read briefly', () => {
  assert.is(formatMetric(12000), '12,000');
  assert.is(formatMetric(0.123456), '0.1235');
  assert.is(formatMetric(1.5e-7), '1.50e-7');
  assert.is(formatMetric(0), '0');
  assert.is(formatDelta(0.05, 0.5), '+0.05 (+10%)');
  assert.is(formatDelta(-0.25, 0.5), '−0.25 (−50%)');
  assert.is(formatDelta(3, 0), '+3', 'no share of a baseline of 0');
  assert.is(formatDelta(0, 2), '±0');
});

test.run();
