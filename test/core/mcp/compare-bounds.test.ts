// compare_runs answers an agent with what it can read: long diffs and long result values cut, saying where the rest is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boundedComparison } from '../../../core/mcp/result-tools.ts';
import type { Comparison } from '../../../core/records.ts';

const run = (id: string) => ({ id, instanceId: `i-${id}`, instanceName: id, experiment: 'e', status: 'completed' as const, startedAt: null, completedAt: null, codeHash: null, configuration: {} });

test('a long result value is cut (text or JSON), naming the tool that reads it whole; short ones and absent ones stay', () => {
  const comparison: Comparison = {
    runs: [run('a'), run('b'), run('c')],
    baseline: 'a',
    configuration: [],
    metrics: [],
    results: [{ key: 'answer', values: ['x'.repeat(5000), { tokens: 'y'.repeat(3000) }, null], absent: [2], changed: true }, { key: 'short', values: ['ok', 'ok', 'ok'], absent: [], changed: false }],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  const bounded = boundedComparison(comparison);
  const [text, object, absent] = bounded.results[0]!.values as [string, string, null];
  assert.is(text, `${'x'.repeat(2000)}… (3000 more characters: get_result_details {"runId":"a","key":"answer"} reads it whole)`);
  assert.match(object, /^\{"tokens":"y{1989}… \(1013 more characters: get_result_details \{"runId":"b","key":"answer"\} reads it whole\)$/);
  assert.is(absent, null);
  assert.equal(bounded.results[1], comparison.results[1]);
});

test.run();
