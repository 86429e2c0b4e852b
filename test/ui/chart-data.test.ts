import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alignSeries,
  appendAligned,
  describeSeries,
  formatNumber,
  loggable,
  nearestValueRow,
  seriesStats,
  sortedPoints,
} from '../../ui/state/chart-data.ts';

const test = suite('chart data: overlaid series, live appends, numbers as a chart shows them');

test('series with different steps overlay on one x axis, each null where it has no point', () => {
  const table = alignSeries([
    [[0, 10], [2, 8], [4, 6]],
    [[1, 1], [2, 2], [5, 3]],
  ]);
  assert.equal(table.x, [0, 1, 2, 4, 5]);
  assert.equal(table.ys, [
    [10, null, 8, 6, null],
    [null, 1, 2, null, 3],
  ]);
});

test('an x a series has twice (two results in one millisecond) takes two rows: no point is lost', () => {
  const table = alignSeries([
    [[5, 1], [5, 2], [6, 3]],
    [[5, 9]],
  ]);
  assert.equal(table.x, [5, 5, 6]);
  assert.equal(table.ys, [[1, 2, 3], [9, null, null]]);
});

test('points out of order, NaN or Infinity: sorted, and only finite ones kept', () => {
  assert.equal(sortedPoints([[3, 1], [1, Number.NaN], [2, 5], [Number.POSITIVE_INFINITY, 1], [0, 4]]), [[0, 4], [2, 5], [3, 1]]);
  const sorted: [number, number][] = [[0, 1], [1, 2]];
  assert.equal(sortedPoints(sorted), sorted);
});

test('appending after the last x extends the table in place; appending before it asks for a new alignment', () => {
  const table = alignSeries([[[0, 1], [1, 2]], [[0, 5]]]);
  assert.ok(appendAligned(table, 1, [[1, 6], [2, 7]]));
  assert.equal(table, { x: [0, 1, 2], ys: [[1, 2, null], [5, 6, 7]] });
  assert.ok(appendAligned(table, 0, [[3, 3]]));
  assert.equal(table, { x: [0, 1, 2, 3], ys: [[1, 2, null, 3], [5, 6, 7, null]] });
  assert.not.ok(appendAligned(table, 0, [[1, 9]]), 'before the last x');
  assert.not.ok(appendAligned(table, 0, [[5, 1], [4, 1]]), 'not in order');
  assert.not.ok(appendAligned(table, 7, [[9, 1]]), 'no such series');
  assert.is(table.x.length, 4, 'a refused append changes nothing');
});

test('a series can go on a log scale only when every value is above 0', () => {
  assert.ok(loggable(seriesStats([[0, 15], [1, 1e-29]])));
  assert.not.ok(loggable(seriesStats([[0, 15], [1, 0]])));
  assert.not.ok(loggable(seriesStats([[0, -1], [1, 2]])));
  assert.ok(loggable(seriesStats([])), 'nothing yet: nothing against it');
});

test('numbers keep their magnitude: 1e-29 does not read as 0, big ones are short', () => {
  assert.equal([1e-29, 1.376e-14, 0.000123, 0.5, 15, 1234.5678, 2_500_000, 0, -3.25e-7].map(formatNumber), [
    '1e-29',
    '1.376e-14',
    '1.23e-4',
    '0.5',
    '15',
    '1235',
    '2.5e6',
    '0',
    '-3.25e-7',
  ]);
});

test('a series described for screen readers: points, span, first, last, min, max', () => {
  assert.is(
    describeSeries('loss', seriesStats([[0, 15], [1, 3], [299, 1e-29]]), 'step'),
    'loss: 3 points, steps 0 to 299, first 15, last 1e-29, min 1e-29, max 15',
  );
  assert.is(describeSeries('loss', undefined, 'step'), 'loss: no points yet');
});

test('the legend value of a series at the cursor is its nearest point in x', () => {
  const x = [0, 1, 2, 10, 11];
  const ys = [5, null, null, null, 7];
  assert.is(nearestValueRow(x, ys, 0), 0);
  assert.is(nearestValueRow(x, ys, 2), 0, 'x 2 is nearer 0 than 11');
  assert.is(nearestValueRow(x, ys, 3), 4, 'x 10 is nearer 11');
  assert.is(nearestValueRow(x, [null, null], 1), null);
});

test.run();
