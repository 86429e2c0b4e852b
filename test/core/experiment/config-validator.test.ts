import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { ConfigSchema, Definition, validateConfig } from '../../../core/index.ts';
import { CHECKED_FORMATS } from '../../../core/experiment/config-formats.ts';

const validator = suite('validateConfig');

const { schema } = Definition.new()
  .name('eval')
  .configuration(
    ConfigSchema.new()
      .field('iterations', 'integer', { default: 10, min: 1, max: 100 })
      .field('rate', 'float', { default: 0.3, step: 0.1, min: 0 })
      .field('model', 'string', { options: ['small', 'large'], default: 'small' })
      .field('email', 'string', { format: 'email' })
      .field('verbose', 'boolean', { default: false })
      .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }).field('weight', 'integer', { default: 1 }))
      .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7, max: 2 })),
  )
  .resolve();

validator('applies defaults, including inside lists and groups', () => {
  const result = validateConfig(schema, { prompts: [{ text: 'hi' }] });
  assert.equal(result, {
    ok: true,
    value: { iterations: 10, rate: 0.3, model: 'small', verbose: false, prompts: [{ text: 'hi', weight: 1 }], sampling: { temperature: 0.7 } },
  });
});

validator('never modifies its input', () => {
  const input = { prompts: [{ text: 'hi' }] };
  validateConfig(schema, input);
  assert.equal(input, { prompts: [{ text: 'hi' }] });
});

validator('reports every problem with field, rule and value', () => {
  const result = validateConfig(schema, {
    iterations: 1000, rate: 0.15, model: 'huge', email: 'nope', verbose: 'yes',
    prompts: [{ weight: 2 }], sampling: { temperature: 3 }, colour: 'red',
  });
  assert.is(result.ok, false);
  if (result.ok) return;
  const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e.message]));
  assert.equal(byPath, {
    colour: 'config.colour is not a field of this experiment (fields: iterations, rate, model, email, verbose, prompts, sampling)',
    iterations: 'config.iterations: 1000 is above the maximum 100',
    rate: 'config.rate: 0.15 is not on the step 0.1 from 0',
    model: 'config.model: "huge" is not one of "small", "large"',
    email: 'config.email: "nope" is not a valid email',
    verbose: 'config.verbose: "yes" is not true or false',
    'prompts[0].text': 'config.prompts[0].text is required',
    'sampling.temperature': 'config.sampling.temperature: 3 is above the maximum 2',
  });
});

validator('a mistyped field is named with the field it most likely meant, in groups too', () => {
  const result = validateConfig(schema, { iteratons: 5, sampling: { temprature: 1 }, colour: 'red' });
  assert.equal(result.ok ? [] : result.errors.map((e) => e.message), [
    'config.iteratons is not a field of this experiment; did you mean "iterations"?',
    'config.colour is not a field of this experiment (fields: iterations, rate, model, email, verbose, prompts, sampling)',
    'config.sampling.temprature is not a field of this experiment; did you mean "temperature"?',
  ]);
});

validator('a field like none is named with the fields there are: of the experiment, or of its group', () => {
  const result = validateConfig(schema, { sampling: { zzz: 1 } });
  assert.equal(result.ok ? [] : result.errors.map((e) => e.message), ['config.sampling.zzz is not a field of this experiment (fields of sampling: temperature)']);
});

validator('a number JSON cannot hold (1e400 parses to Infinity) is named as such, not as null', () => {
  const result = validateConfig(schema, { iterations: Infinity });
  assert.equal(result.ok ? [] : result.errors.map((e) => e.message), ['config.iterations: Infinity is not an integer']);
});

validator('does not coerce strings unless asked', () => {
  const strict = validateConfig(schema, { iterations: '5' });
  assert.equal(strict, { ok: false, errors: [{ path: 'iterations', message: 'config.iterations: "5" is not an integer' }] });
  const coerced = validateConfig<{ iterations: number; verbose: boolean }>(schema, { iterations: '5', verbose: 'true' }, { coerce: true });
  assert.ok(coerced.ok);
  if (coerced.ok) {
    assert.is(coerced.value.iterations, 5);
    assert.is(coerced.value.verbose, true);
  }
});

validator('a configuration that is not an object is one clear error', () => {
  assert.equal(validateConfig(schema, null), { ok: false, errors: [{ path: '', message: 'config: null is not an object' }] });
  assert.equal(validateConfig(schema, [1]), { ok: false, errors: [{ path: '', message: 'config: [1] is not an object' }] });
});

validator('compiles once per schema (fast on repeated calls)', () => {
  const started = performance.now();
  for (let i = 0; i < 2000; i++) validateConfig(schema, { iterations: i % 100 + 1 });
  assert.ok(performance.now() - started < 1000);
});

validator('a value out of range or of the wrong type is one problem, not also "not on the step"', () => {
  const stepped = ConfigSchema.new().field('latency_ms', 'integer', { default: 50, min: 0, max: 5000, step: 10 }).toJSONSchema();
  const messages = (value: unknown) => {
    const result = validateConfig(stepped, { latency_ms: value });
    return result.ok ? [] : result.errors.map((e) => e.message);
  };
  assert.equal(messages(-5), ['config.latency_ms: -5 is below the minimum 0']);
  assert.equal(messages(5005), ['config.latency_ms: 5005 is above the maximum 5000']);
  assert.equal(messages(2.5), ['config.latency_ms: 2.5 is not an integer']);
  assert.equal(messages(15), ['config.latency_ms: 15 is not on the step 10 from 0']);
});

validator('the format names a field may use are the ones ajv-formats checks (written out, so importing athanor does not load them)', () => {
  assert.equal([...CHECKED_FORMATS].sort(), Object.keys(fullFormats).sort());
});

validator.run();
