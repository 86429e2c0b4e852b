// Tests for experiments/{{file}}: run it like the workbench does, in memory, and check
// what it recorded. `npm test` runs every test/*.test.ts with node:test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigValidationError, runExperiment } from 'athanor/testing';
import * as experimentModule from '../experiments/{{file}}';

// A path runs the experiment in a child process, as the workbench does; the module itself
// runs in this process (faster, and breakpoints work).
const experiment = new URL('../experiments/{{file}}', import.meta.url);

test('{{name}} completes with one result per iteration', async () => {
  const outcome = await runExperiment(experiment, { iterations: 3 });
  assert.equal(outcome.status, 'completed', outcome.error ?? undefined);
  assert.deepEqual(Object.keys(outcome.results), ['iteration_1', 'iteration_2', 'iteration_3']);
  assert.deepEqual(outcome.progress, { current: 3, total: 3, message: 'iteration 3' });
});

test('{{name}} logs each iteration', async () => {
  const outcome = await runExperiment(experimentModule, { iterations: 2 });
  assert.deepEqual(outcome.logs.map((entry) => entry.message), ['Running iteration 1', 'Running iteration 2']);
});

test('{{name}} refuses an out-of-range configuration', async () => {
  await assert.rejects(runExperiment(experiment, { iterations: 1000 }), (error: unknown) => {
    assert.ok(error instanceof ConfigValidationError);
    assert.deepEqual(error.errors, [{ path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100' }]);
    return true;
  });
});
