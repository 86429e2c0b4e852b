// compare_runs answers an agent with what it can read: long diffs and long result values cut, saying where the rest is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boundedComparison } from '../../../core/mcp/result-tools.ts';
import { boundValue } from '../../../core/mcp/tool-kit.ts';
import type { Comparison } from '../../../core/records.ts';

const run = (id: string) => ({ id, instanceId: `i-${id}`, instanceName: id, experiment: 'e', status: 'completed' as const, error: null, startedAt: null, completedAt: null, codeHash: null, configuration: {} });

test('long result values are each cut to a share of the row, the list kept (one value per run, whose is whose), saying where the rest is', () => {
  const comparison: Comparison = {
    runs: [run('a'), run('b'), run('c')],
    baseline: 'a',
    configuration: [],
    metrics: [],
    results: [{ key: 'answer', values: ['x'.repeat(5000), { tokens: 'y'.repeat(3000) }, null], absent: [2], changed: true }, { key: 'short', values: ['ok', 'ok', 'ok'], absent: [], changed: false }],
    series: [],
    code: { hashes: [null, null, null], same: true, diffs: [] },
  };
  // As the tool answers: the comparison bounded, then the answer's generic bound (which cut the whole list when it was too long).
  const answered = boundValue(boundedComparison(comparison)) as Comparison;
  const [text, object, absent] = answered.results[0]!.values as [string, string, null];
  assert.is(text, `${'x'.repeat(1233)}… (3767 more characters: get_result_details {runId, key})`);
  assert.match(object, /^\{"tokens":"y{1222}… \(1780 more characters: get_result_details \{runId, key\}\)$/);
  assert.is(absent, null);
  assert.equal(answered.results[1], comparison.results[1]);
  // Twenty runs of long answers: still one value per run, each cut.
  const twenty = { ...comparison, runs: Array.from({ length: 20 }, (_, i) => run(String(i))), results: [{ key: 'answer', values: Array.from({ length: 20 }, () => 'z'.repeat(3000)), absent: [], changed: false }] };
  const values = (boundValue(boundedComparison(twenty)) as Comparison).results[0]!.values as string[];
  assert.is(values.length, 20);
  assert.ok(values.every((value) => value.startsWith('z'.repeat(100)) && value.endsWith('more characters: get_result_details {runId, key})')), values[0]);
});

test.run();
