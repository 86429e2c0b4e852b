/**
 * `athanor/testing`: test experiments like any other code, in any test runner (uvu,
 * node:test, vitest…), with no database or server to set up.
 *
 * - {@link runExperiment} runs one experiment, keeping what it records in memory, and resolves with
 *   its status, error, logs, results and progress.
 * - {@link createTestWorkbench} starts a whole in-memory workbench with its HTTP API, for
 *   integration tests.
 *
 * @example
 * import { test } from 'node:test';
 * import assert from 'node:assert/strict';
 * import { runExperiment } from 'athanor/testing';
 *
 * test('my_experiment records one result per iteration', async () => {
 *   const outcome = await runExperiment('experiments/my_experiment.ts', { iterations: 3 });
 *   assert.equal(outcome.status, 'completed');
 *   assert.deepEqual(Object.keys(outcome.results), ['iteration_1', 'iteration_2', 'iteration_3']);
 * });
 */
export {
  runExperiment,
  type ExperimentOutcome,
  type RunExperimentOptions,
  type ConfigInput,
  type ConfigOfSource,
} from './run-experiment.ts';
export { createTestWorkbench, type TestWorkbench, type TestWorkbenchOptions } from './test-workbench.ts';
export type { ExperimentSource, ExperimentModuleLike } from './module-registry.ts';
export { ConfigValidationError, type ConfigError } from '../experiment/index.ts';
export type { LogEntry, Run, RunProgress } from '../records.ts';
