import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-experiment-summary.ts';
import type { AthanorExperimentSummary } from '../../ui/elements/athanor-experiment-summary.ts';
import type { ExperimentInfo } from '../../ui/client/api-client.ts';

async function mount(experiment: ExperimentInfo): Promise<string> {
  const el = document.createElement('athanor-experiment-summary') as AthanorExperimentSummary;
  el.experiment = experiment;
  document.body.append(el);
  await el.updateComplete;
  return el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
}

const error = { code: 'ERR_IMPORT_NOT_FOUND', message: "Cannot find module './lib/missing.ts'", file: 'broken.ts', line: 3, column: 19 };
const schema = { type: 'object', properties: { iterations: { type: 'integer', default: 3 } } };

const test = suite('experiment summary');
test.after.each(() => document.body.replaceChildren());

test('an experiment that never loaded says so once, without claiming it has no description or that it is shown as it last loaded', async () => {
  const text = await mount({ name: 'broken', description: null, file: 'broken.ts', schema: null, codeHash: 'c15f8bc0', error });
  assert.match(text, 'It has not loaded yet: its description and fields show once it does.');
  assert.not.match(text, 'No description');
  assert.not.match(text, 'Shown as it last loaded');
});

test('one that loaded and broke since is shown as it last loaded, and says so', async () => {
  const text = await mount({ name: 'was_fine', description: null, file: 'was_fine.ts', schema, codeHash: 'ec92348a', error });
  assert.match(text, 'No description.');
  assert.match(text, 'Shown as it last loaded, before the current error.');
  assert.match(text, 'iterations');
  assert.not.match(text, 'has not loaded yet');
});

test('a field\'s label shows beside its name only when it says more than the name', async () => {
  const labelled = {
    type: 'object',
    properties: {
      iterations: { type: 'integer', title: 'Iterations' },
      learning_rate: { type: 'number', title: 'Learning rate' },
      latency_ms: { type: 'integer', title: 'Simulated latency (ms)' },
    },
  };
  const text = await mount({ name: 'labels', description: null, file: 'labels.ts', schema: labelled, codeHash: 'ec92348a' });
  assert.not.match(text, 'Iterations', 'no "iterations Iterations"');
  assert.not.match(text, 'Learning rate');
  assert.match(text, 'latency_ms Simulated latency (ms)');
});

test.run();
