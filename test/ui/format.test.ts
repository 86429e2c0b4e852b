import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatMetric, formatProgress } from '../../ui/app/format.ts';

const started = '2026-12-02T10:00:00.000Z';
const at = (seconds: number) => Date.parse(started) + seconds * 1000;

test('progress reads as a count and a percentage, as in the original: 3/4 (75%)', () => {
  assert.is(formatProgress({ current: 3, total: 4 }, null), '3/4 (75%)');
  assert.is(formatProgress({ current: 4, total: 4 }, started, at(60)), '4/4 (100%)', 'done: no estimate');
  assert.is(formatProgress({ current: 0, total: 10 }, started, at(60)), '0/10 (0%)', 'nothing done: no rate yet');
  assert.is(formatProgress({ current: 1, total: 3 }, started, at(0.5)), '1/3 (33%)', 'under a second in: no estimate yet');
  assert.is(formatProgress({ current: 7, total: 0 }, started, at(5)), '7', 'no total: just the count');
});

test('and the time left from the rate so far', () => {
  assert.is(formatProgress({ current: 1, total: 4 }, started, at(10)), '1/4 (25%) · ~30 s left');
  assert.is(formatProgress({ current: 10, total: 100 }, started, at(60)), '10/100 (10%) · ~9 min left');
  assert.is(formatProgress({ current: 1, total: 100 }, started, at(600)), '1/100 (1%) · ~17 h left');
});

test('a near-perfect metric never reads as a perfect one: rounding to an integer keeps digits enough to differ', () => {
  assert.is(formatMetric(0.99999928), '0.9999993');
  assert.is(formatMetric(-0.99999928), '-0.9999993');
  assert.is(formatMetric(0.00099999), '1.00e-3', 'below 1e-3: already exponential');
  assert.is(formatMetric(12.99996), '12.99996');
  assert.is(formatMetric(1), '1');
  assert.is(formatMetric(0.91234), '0.9123', 'a value that does not round to an integer keeps 4 digits');
  assert.is(formatMetric(0.123456), '0.1235');
  assert.is(formatMetric(12000), '12,000');
  assert.is(formatMetric(1.5e-7), '1.50e-7');
});

test.run();
