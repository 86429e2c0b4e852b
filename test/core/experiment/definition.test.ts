import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema, Definition, DefinitionError } from '../../../core/index.ts';

const definition = suite('Definition');

definition('builds the seed minimal example', () => {
  const resolved = Definition.new()
    .name('my_experiment')
    .description('A minimal experiment example')
    .configuration(ConfigSchema.new().field('iterations', 'integer', { default: 10, min: 1, max: 100 }))
    .resolve();
  assert.is(resolved.name, 'my_experiment');
  assert.is(resolved.description, 'A minimal experiment example');
  assert.equal(Object.keys(resolved.schema.properties as object), ['iterations']);
  assert.ok(Object.isFrozen(resolved));
});

definition('is immutable', () => {
  const base = Definition.new().name('a');
  const renamed = base.name('b');
  assert.is(base.resolve().name, 'a');
  assert.is(renamed.resolve().name, 'b');
});

definition('a definition without a name is an error when resolved', () => {
  assert.throws(() => Definition.new().description('x').resolve(), (e: unknown) =>
    e instanceof DefinitionError && /has no name/.test(e.message));
});

definition('refuses names that cannot be used in a URL', () => {
  for (const bad of ['', 'has space', '../etc', 'a/b']) {
    assert.throws(() => Definition.new().name(bad), /experiment name .* is invalid/);
  }
});

definition('without a configuration the schema is empty', () => {
  assert.equal(Definition.new().name('x').resolve().schema, { type: 'object', properties: {}, additionalProperties: false });
});

definition.run();
