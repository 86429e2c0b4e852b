import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { countedInRead, isNumericEntry, type NumericEntry } from '../../ui/state/live-series.ts';

const entry = (seq: number, value: number, ms: number): NumericEntry => ({ seq, key: 'loss', value, recordedAt: new Date(ms).toISOString() });
const held = [entry(10, 0.5, 1000), entry(11, 0.4, 1001), entry(12, 0.3, 1002)];

const test = suite('live series: which values that arrived during a read it already has');

test('by step: the held values up to the one that is the read last point', () => {
  const read = (lastValue: number) => ({ key: 'loss', total: 42, points: [[0, 9], [41, lastValue]] as [number, number][] });
  assert.is(countedInRead(read(0.4), held, 'step'), 2, 'the read ends at 0.4: 0.5 and 0.4 are in it');
  assert.is(countedInRead(read(0.3), held, 'step'), 3);
  assert.is(countedInRead(read(0.9), held, 'step'), 0, 'none of them');
  const notTheEnd = { key: 'loss', total: 42, points: [[0, 9], [30, 0.4]] as [number, number][] };
  assert.is(countedInRead(notTheEnd, held, 'step'), 0, 'the read does not end at the last step: it cannot tell');
  assert.is(countedInRead({ key: 'loss', total: 0, points: [] }, held, 'step'), 0);
});

test('by time: the same value at the same millisecond', () => {
  const read = { key: 'loss', total: 42, points: [[500, 9], [1001, 0.4]] as [number, number][] };
  assert.is(countedInRead(read, held, 'time'), 2);
  assert.is(countedInRead({ ...read, points: [[1000, 0.4]] }, held, 'time'), 0, 'the value at another time is another point');
});

test('only finite numbers are points', () => {
  const at = (value: unknown) => ({ seq: 1, key: 'k', value, recordedAt: '' });
  assert.equal([at(1), at(Number.NaN), at('1'), at(null), at(-0)].map(isNumericEntry), [true, false, false, false, true]);
});

test.run();
