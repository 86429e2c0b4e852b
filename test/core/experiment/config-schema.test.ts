import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema, DefinitionError } from '../../../core/index.ts';

const schema = suite('ConfigSchema');

function throwsDefinition(build: () => unknown, pattern: RegExp, field?: string): void {
  try {
    build();
  } catch (error) {
    assert.instance(error, DefinitionError);
    assert.match((error as Error).message, pattern);
    if (field) assert.is((error as DefinitionError).field, field);
    return;
  }
  assert.unreachable(`expected a DefinitionError matching ${pattern}`);
}

schema('builders are immutable: each call returns a new schema', () => {
  const empty = ConfigSchema.new();
  const one = empty.field('a', 'integer');
  const two = one.field('b', 'string');
  assert.is(empty.properties.length, 0);
  assert.is(one.properties.length, 1);
  assert.is(two.properties.length, 2);
  assert.ok(Object.isFrozen(two.properties));
});

schema('produces the JSON Schema of every field kind, in declaration order', () => {
  const json = ConfigSchema.new()
    .field('iterations', 'integer', { default: 10, min: 1, max: 100, label: 'Iterations', description: 'How many' })
    .field('rate', 'float', { step: 0.25 })
    .field('model', 'string', { options: ['small', 'large'], default: 'small' })
    .field('notes', 'string', { format: 'textarea', max: 500 })
    .field('verbose', 'boolean', { default: false })
    .field('seed', 'integer', { required: true })
    .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }), { min: 1 })
    .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7 }))
    .toJSONSchema();
  const properties = json.properties as Record<string, any>;
  assert.equal(Object.keys(properties), ['iterations', 'rate', 'model', 'notes', 'verbose', 'seed', 'prompts', 'sampling']);
  assert.equal(properties.iterations, {
    type: 'integer', title: 'Iterations', description: 'How many', default: 10, minimum: 1, maximum: 100,
  });
  assert.equal(properties.rate, { type: 'number', 'x-step': { step: 0.25, base: 0 } });
  assert.equal(properties.model, { type: 'string', default: 'small', enum: ['small', 'large'] });
  assert.equal(properties.notes, { type: 'string', maxLength: 500, format: 'textarea' });
  assert.equal(properties.verbose, { type: 'boolean', default: false });
  assert.is(properties.prompts.type, 'array');
  assert.is(properties.prompts.minItems, 1);
  assert.equal(properties.prompts.items.required, ['text']);
  assert.equal(properties.sampling.default, {});
  assert.equal(json.required, ['seed']);
  assert.is(json.additionalProperties, false);
});

schema('refuses a duplicate field, naming it', () => {
  throwsDefinition(() => ConfigSchema.new().field('a', 'integer').field('a', 'string'), /field "a" is declared twice/, 'a');
});

schema('refuses min above max', () => {
  throwsDefinition(() => ConfigSchema.new().field('n', 'integer', { min: 10, max: 1 }), /field "n": min 10 is above max 1/, 'n');
});

schema('refuses a default outside min/max', () => {
  throwsDefinition(() => ConfigSchema.new().field('n', 'integer', { default: 0, min: 1 }), /field "n": default 0 is below the minimum 1/);
  throwsDefinition(() => ConfigSchema.new().field('n', 'float', { default: 5.5, max: 5 }), /default 5.5 is above the maximum 5/);
});

schema('refuses a default not among the options', () => {
  throwsDefinition(
    () => ConfigSchema.new().field('model', 'string', { options: ['a', 'b'], default: 'c' as 'a' }),
    /field "model": default "c" is not one of the options "a", "b"/,
    'model',
  );
});

schema('refuses a step that is not positive, and a default off the step', () => {
  throwsDefinition(() => ConfigSchema.new().field('x', 'float', { step: 0 }), /field "x": step must be a positive number, got 0/);
  throwsDefinition(() => ConfigSchema.new().field('x', 'float', { step: -1 }), /step must be a positive number, got -1/);
  throwsDefinition(() => ConfigSchema.new().field('x', 'integer', { step: 2, min: 1, default: 2 }), /default 2 is not on the step 2 from 1/);
  ConfigSchema.new().field('x', 'float', { step: 0.1, default: 0.3 }); // floats on the step pass
});

schema('refuses a default of the wrong type, unknown types, options and formats', () => {
  throwsDefinition(() => ConfigSchema.new().field('n', 'integer', { default: 1.5 }), /default 1.5 is not an integer/);
  throwsDefinition(() => ConfigSchema.new().field('n', 'decimal' as 'integer'), /unknown type "decimal"/);
  throwsDefinition(() => ConfigSchema.new().field('n', 'integer', { minimum: 1 } as object), /unknown option "minimum"/);
  throwsDefinition(() => ConfigSchema.new().field('s', 'string', { format: 'telepathy' }), /unknown format "telepathy"/);
  throwsDefinition(() => ConfigSchema.new().field('b', 'boolean', { min: 1 }), /do not apply to a boolean/);
});

schema('refuses invalid field names and non-schema lists', () => {
  throwsDefinition(() => ConfigSchema.new().field('a.b', 'integer'), /field name "a.b" is invalid/);
  throwsDefinition(() => ConfigSchema.new().field('', 'integer'), /field name "" is invalid/);
  throwsDefinition(() => ConfigSchema.new().list('xs', {} as ConfigSchema), /field "xs": expected a ConfigSchema/);
  throwsDefinition(
    () => ConfigSchema.new().list('xs', ConfigSchema.new(), { min: 3, max: 2 }),
    /field "xs": min 3 is above max 2/,
  );
});

schema.run();
