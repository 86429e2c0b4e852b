import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema, Definition } from '../../../core/index.ts';
import { configTypeName, generateConfigTypes } from '../../../core/experiment/type-generator.ts';

const types = suite('generateConfigTypes');

types('names the type after the experiment', () => {
  assert.is(configTypeName('my_experiment'), 'MyExperimentConfig');
  assert.is(configTypeName('eval-v2.big'), 'EvalV2BigConfig');
  assert.is(configTypeName('3d'), '_3dConfig');
});

types('writes the config as run() sees it: defaulted fields present, others optional', async () => {
  const definition = Definition.new()
    .name('my_experiment')
    .configuration(
      ConfigSchema.new()
        .field('iterations', 'integer', { default: 10, label: 'Iterations' })
        .field('model', 'string', { options: ['a', 'b'], default: 'a' })
        .field('note', 'string')
        .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }))
        .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7 })),
    )
    .resolve();
  const text = await generateConfigTypes(definition);
  assert.match(text, 'export interface MyExperimentConfig {');
  assert.match(text, 'iterations: number;');
  assert.match(text, 'model: "a" | "b";');
  assert.match(text, 'note?: string;');
  assert.match(text, /prompts: \{\s+text: string;\s+\}\[\];/);
  assert.match(text, /sampling: \{\s+temperature: number;\s+\};/);
  assert.not.match(text, 'Iterations'); // labels never become type names
});

types.run();
