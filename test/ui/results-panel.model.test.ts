import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResultEntry } from '../../ui/client/api-client.ts';
import { ResultsModel, sortResults } from '../../ui/state/results-model.ts';
import { isNumericSeries, sparklinePoints } from '../../ui/elements/athanor-sparkline.ts';

const at = (seq: number, key: string, value: unknown, ms: number): ResultEntry => ({ seq, key, value, recordedAt: new Date(ms).toISOString() });

const test = suite('results model');

test('sorts by key in natural order, or by time, either way', () => {
  const entries = [at(1, 'iteration_10', 1, 3000), at(2, 'iteration_2', 2, 1000), at(3, 'alpha', 3, 2000)];
  assert.equal(sortResults(entries, 'key', 'asc').map((e) => e.key), ['alpha', 'iteration_2', 'iteration_10']);
  assert.equal(sortResults(entries, 'key', 'desc').map((e) => e.key), ['iteration_10', 'iteration_2', 'alpha']);
  assert.equal(sortResults(entries, 'time', 'asc').map((e) => e.key), ['iteration_2', 'alpha', 'iteration_10']);
  assert.equal(sortResults(entries, 'time', 'desc').map((e) => e.key), ['iteration_10', 'alpha', 'iteration_2']);
});

test('keeps the latest value per key; series only for numbers', () => {
  const model = new ResultsModel();
  model.load([at(2, 'loss', 0.5, 1), at(3, 'config', { a: 1 }, 1)]);
  assert.equal(model.numericKeysWithoutSeries(), ['loss']);
  model.setSeries('loss', { key: 'loss', total: 2, lastSeq: 2, points: [[0, 0.9], [1, 0.5]] });
  assert.equal(model.add([at(4, 'loss', 0.3, 2), at(5, 'acc', 0.7, 2), at(6, 'config', { a: 2 }, 2)]), ['acc']);
  assert.equal(model.series.get('loss'), [0.9, 0.5, 0.3]);
  assert.is(model.latest.get('loss')?.value, 0.3);
  assert.equal(model.latest.get('config')?.value, { a: 2 });
  model.add([at(7, 'loss', 'n/a', 3)]);
  assert.is(model.series.get('loss'), null, 'a value that is not a number: no chart');
});

test('a series that grows live is a new array, so the sparkline given it redraws', () => {
  const model = new ResultsModel();
  model.load([at(2, 'loss', 0.5, 1)]);
  model.setSeries('loss', { key: 'loss', total: 2, lastSeq: 2, points: [[0, 0.9], [1, 0.5]] });
  const before = model.series.get('loss');
  model.add([at(3, 'loss', 0.4, 2), at(4, 'loss', 0.3, 3)]);
  assert.is.not(model.series.get('loss'), before);
  assert.equal(before, [0.9, 0.5], 'the array an element holds is not changed under it');
  assert.equal(model.series.get('loss'), [0.9, 0.5, 0.4, 0.3]);
});

test('values the series read holds, sent again by the live stream, are not added twice', () => {
  // A tab's stream may send again what came before its views' reads (athanor-event-id).
  const model = new ResultsModel();
  model.load([at(3, 'loss', 1, 3), at(4, 'acc', 0.5, 4)]);
  model.setSeries('loss', { key: 'loss', total: 3, lastSeq: 3, points: [[0, 3], [1, 2], [2, 1]] });
  model.setSeries('acc', { key: 'acc', total: 1, lastSeq: 4, points: [[0, 0.5]] });
  model.add([at(2, 'loss', 2, 2), at(3, 'loss', 1, 3), at(4, 'acc', 0.5, 4)]);
  assert.equal(model.series.get('loss'), [3, 2, 1], 'before: [3, 2, 1, 2, 1]');
  assert.equal(model.series.get('acc'), [0.5], 'one value stored: no sparkline (before: two, and a chart)');
  model.add([at(5, 'loss', 0.5, 5), at(5, 'loss', 0.5, 5)]);
  assert.equal(model.series.get('loss'), [3, 2, 1, 0.5]);
});

test('values that come live while a series is read, after what the read holds, are kept; a second read loses none', () => {
  const model = new ResultsModel();
  model.load([at(2, 'loss', 2, 2)]);
  assert.equal(model.add([at(3, 'loss', 1, 3), at(4, 'loss', 0.5, 4), at(5, 'note', 'text', 5)]), ['loss']);
  // The read answered as of seq 3: 4 came after it (before: lost for good, 195 of 200 values).
  model.setSeries('loss', { key: 'loss', total: 3, lastSeq: 3, points: [[0, 3], [1, 2], [2, 1]] });
  assert.equal(model.series.get('loss'), [3, 2, 1, 0.5]);
  model.add([at(6, 'loss', 0.25, 6)]);
  model.setSeries('loss', { key: 'loss', total: 4, lastSeq: 4, points: [[0, 3], [1, 2], [2, 1], [3, 0.5]] });
  assert.equal(model.series.get('loss'), [3, 2, 1, 0.5, 0.25], 'an older second read changes nothing');
  model.setSeries('loss', { key: 'loss', total: 6, lastSeq: 9, points: [[0, 3], [1, 2], [2, 1], [3, 0.5], [4, 0.25], [5, 0.1]] });
  assert.equal(model.series.get('loss'), [3, 2, 1, 0.5, 0.25, 0.1], 'a newer one replaces it');
});

test('a sparkline needs two or more finite numbers', () => {
  assert.ok(isNumericSeries([1, 2]));
  assert.not.ok(isNumericSeries([1]));
  assert.not.ok(isNumericSeries([1, '2']));
  assert.not.ok(isNumericSeries([1, NaN]));
  const points = sparklinePoints([0, 10, 5], 100, 20, 0).split(' ');
  assert.equal(points, ['0.0,20.0', '50.0,0.0', '100.0,10.0']);
  assert.is(sparklinePoints(Array.from({ length: 10_000 }, (_, i) => i), 100, 20).split(' ').length, 300);
});

test.run();
