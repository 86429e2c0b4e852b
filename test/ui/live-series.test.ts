import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { afterSeq, isNumericEntry, type NumericEntry } from '../../ui/state/live-series.ts';

const entry = (seq: number, value: number, ms: number): NumericEntry => ({ seq, key: 'loss', value, recordedAt: new Date(ms).toISOString() });
const held = [entry(10, 0.5, 1000), entry(11, 0.4, 1001), entry(12, 0.3, 1002)];

const test = suite('live series: which live values a read already holds');

test('values after the read\'s lastSeq are new, in order; a value sent again is kept once', () => {
  assert.equal(afterSeq(10, held), { fresh: held.slice(1), lastSeq: 12 });
  assert.equal(afterSeq(12, held), { fresh: [], lastSeq: 12 }, 'the read holds all of them');
  assert.equal(afterSeq(0, [...held, ...held]), { fresh: held, lastSeq: 12 }, 'the stream sent them twice');
  assert.equal(afterSeq(11, [held[2]!, held[0]!, held[1]!]), { fresh: [held[2]!], lastSeq: 12 });
});

test('only finite numbers are points', () => {
  const at = (value: unknown) => ({ seq: 1, key: 'k', value, recordedAt: '' });
  assert.equal([at(1), at(Number.NaN), at('1'), at(null), at(-0)].map(isNumericEntry), [true, false, false, false, true]);
});

test.run();
