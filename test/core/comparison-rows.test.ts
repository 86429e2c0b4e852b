// The parts of a comparison that need no database: configuration rows, metric rows and goals.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configurationRows, flattenConfiguration, metricGoal, metricRows, resultRows } from '../../core/experiments/comparison-rows.ts';

const rows = suite('comparison rows');

rows('configuration: groups flattened, schema order first, changed first; a run without a configuration takes no part', () => {
  assert.equal([...flattenConfiguration({ a: 1, g: { b: [1, 2], c: { d: null } }, e: {} })], [['a', 1], ['g.b', [1, 2]], ['g.c.d', null], ['e', {}]]);
  const configurations = [
    { lr: 0.1, model: 'small', sampling: { top_k: 5, greedy: false }, prompts: [{ text: 'a' }], z: 1 },
    null,
    { model: 'small', lr: 0.2, sampling: { greedy: false, top_k: 5 }, prompts: [{ text: 'a' }], extra: true, z: 1 },
  ];
  assert.equal(configurationRows(configurations, ['model', 'lr', 'sampling.top_k', 'sampling.greedy', 'prompts']), [
    { field: 'lr', values: [0.1, null, 0.2], absent: [1], changed: true },
    { field: 'extra', values: [null, null, true], absent: [0, 1], changed: true },
    { field: 'model', values: ['small', null, 'small'], absent: [1], changed: false },
    { field: 'sampling.top_k', values: [5, null, 5], absent: [1], changed: false },
    { field: 'sampling.greedy', values: [false, null, false], absent: [1], changed: false },
    { field: 'prompts', values: [[{ text: 'a' }], null, [{ text: 'a' }]], absent: [1], changed: false },
    { field: 'z', values: [1, null, 1], absent: [1], changed: false },
  ]);
  assert.equal(configurationRows([{ o: { b: 1, a: 2 } }, { o: { a: 2, b: 1 } }]), [
    { field: 'o.a', values: [2, 2], absent: [], changed: false },
    { field: 'o.b', values: [1, 1], absent: [], changed: false },
  ]);
  assert.equal(configurationRows([{ l: [{ b: 1, a: 2 }] }, { l: [{ a: 2, b: 1 }] }])[0]!.changed, false, 'key order inside lists aside');
  // A field set to null in one run and missing from another's (older) code: told apart by `absent`.
  assert.equal(configurationRows([{ seed: null }, {}]), [{ field: 'seed', values: [null, null], absent: [1], changed: true }]);
});

rows('metric goals: lower is better for words naming a loss, an error, a time or a distance', () => {
  for (const key of ['loss', 'val_loss', 'train/losses', 'error', 'errors', 'err_rate', 'latency_ms', 'latencyMs', 'time', 'step_time', 'times', 'duration', 'mse', 'test.mae', 'rmse', 'perplexity', 'wer', 'CER']) {
    assert.is(metricGoal(key), 'min', key);
  }
  for (const key of ['accuracy', 'f1', 'answer_len', 'power', 'lower_bound', 'timestamp_count', 'throughput', 'bleu']) assert.is(metricGoal(key), 'max', key);
});

rows('metrics: values, deltas against the baseline without float noise, the best (the first on a tie)', () => {
  assert.equal(metricRows([{ acc: 0.1, loss: 2 }, { acc: 0.3, loss: 1 }, { acc: 0.3 }], 1), [
    { key: 'acc', values: [0.1, 0.3, 0.3], deltas: [-0.2, 0, 0], goal: 'max', best: 1 },
    { key: 'loss', values: [2, 1, null], deltas: [1, 0, null], goal: 'min', best: 1 },
  ]);
  assert.equal(metricRows([{}, { m2: 1, m10: 2 }], 0).map((row) => [row.key, row.deltas, row.best]), [
    ['m2', [null, null], 1],
    ['m10', [null, null], 1],
  ]);
  assert.equal(metricRows([{}, {}], 0), []);
});

rows('other results: the keys that are not a number in some run, each run\'s latest value, absent where a run has none', () => {
  const latest = [
    new Map<string, unknown>([['loss', 0.5], ['sample', 'a cat'], ['flags', [1]], ['best', true]]),
    new Map<string, unknown>([['loss', 0.4], ['sample', 'a cat']]),
    new Map<string, unknown>([['loss', 'diverged'], ['sample', 'a dog'], ['best', true]]),
  ];
  assert.equal(resultRows(latest), [
    { key: 'best', values: [true, null, true], absent: [1], changed: true },
    { key: 'flags', values: [[1], null, null], absent: [1, 2], changed: true },
    { key: 'loss', values: [0.5, 0.4, 'diverged'], absent: [], changed: true },
    { key: 'sample', values: ['a cat', 'a cat', 'a dog'], absent: [], changed: true },
  ]);
  assert.equal(resultRows([new Map([['loss', 1]]), new Map([['loss', 2]])]), [], 'numbers only: the metrics table shows them');
});

rows.run();
