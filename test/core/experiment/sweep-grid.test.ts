import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema } from '../../../core/experiment/index.ts';
import {
  applyAssignment,
  expandGrid,
  gridSize,
  parseGridValues,
  sweepableFields,
  sweepInstanceName,
} from '../../../core/experiment/sweep-grid.ts';

const parse = suite('parseGridValues: what people type for a sweep field');

const values = (text: string, type?: string) => {
  const parsed = parseGridValues(text, type ? { type } : {});
  if (!parsed.ok) throw new Error(`expected values for ${text}, got: ${parsed.error}`);
  return parsed.values;
};
const error = (text: string, type?: string) => {
  const parsed = parseGridValues(text, type ? { type } : {});
  if (parsed.ok) throw new Error(`expected ${text} to be refused, got ${JSON.stringify(parsed.values)}`);
  return parsed.error;
};

parse('numbers as a list or a range, from..to:step or from..to step s, the end included when a step lands on it', () => {
  assert.equal(values('0.1, 0.5', 'number'), [0.1, 0.5]);
  assert.equal(values('0.1..0.5:0.2', 'number'), [0.1, 0.3, 0.5], 'no 0.30000000000000004');
  assert.equal(values('0.1..0.5 step 0.1', 'number'), [0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.equal(values('1..10 STEP 3', 'integer'), [1, 4, 7, 10]);
  assert.equal(values('1..9:3', 'integer'), [1, 4, 7], 'an end no step lands on is left out');
  assert.equal(values('1..4', 'integer'), [1, 2, 3, 4], 'step 1 when left out');
  assert.equal(values('5..1:-2', 'integer'), [5, 3, 1]);
  assert.equal(values('1e-4..3e-4:1e-4', 'number'), [0.0001, 0.0002, 0.0003]);
  assert.equal(values('-1..1:1', 'number'), [-1, 0, 1]);
  assert.equal(values('3..3', 'number'), [3]);
});

parse('booleans, options and text as lists; a JSON list for anything (commas in text, empty text, lists)', () => {
  assert.equal(values('true,false', 'boolean'), [true, false]);
  assert.equal(values('small, large', 'string'), ['small', 'large']);
  assert.equal(values('1..3', 'string'), ['1..3'], 'text is never a range');
  assert.equal(values('["a,b", "", "c"]', 'string'), ['a,b', '', 'c']);
  assert.equal(values('[[1,2],[3]]', 'array'), [[1, 2], [3]]);
  assert.equal(values('1, true, x'), [1, true, 'x'], 'an unknown field reads numbers and booleans as such');
});

parse('refuses what it cannot read, naming it', () => {
  assert.is(error('0.1,abc', 'number'), '"abc" is not a number');
  assert.is(error('yes,no', 'boolean'), '"yes" is not true or false');
  assert.is(error('1,2.5', 'integer'), '2.5 is not an integer');
  assert.is(error('1..2:0.5', 'integer'), '1..2:0.5 gives 1.5, which is not an integer');
  assert.equal(values('1..2:0.5', 'number'), [1, 1.5, 2]);
  assert.is(error('1..5:0', 'integer'), '1..5:0: the step must not be 0');
  assert.is(error('5..1:1', 'integer'), '5..1:1: a step of 1 never reaches 1 from 5');
  assert.is(error('0..1:0.0001', 'number'), '0..1:0.0001 gives 10001 values, more than the 1000 a sweep may have');
  assert.is(error('a,,b', 'string'), 'a,,b: an empty value between commas (a JSON list can hold an empty text)');
  assert.is(error('  ', 'string'), 'no values: give a list (a,b), a range (from..to:step) or a JSON list');
  assert.match(error('[1,', 'number'), /^\[1, looks like a JSON list but does not parse/);
  assert.is(error('[]', 'number'), '[] must be a JSON list of at least one value');
  assert.is(error('0.1..0.5', 'number'), '0.1..0.5 has no step, and the default step of 1 gives one value: write 0.1..0.5:STEP, e.g. 0.1..0.5:0.1');
  assert.is(error('0.1,0.5,0.1', 'number'), '0.1 is given twice');
  assert.is(error('0..1:0.5,1', 'number'), '"0..1:0.5" is not a number', 'a range is the whole text, not a list item');
});

const grid = suite('sweep grids: fields, combinations, names');

grid('sweepable fields are the scalar fields and lists, through groups', () => {
  const schema = ConfigSchema.new()
    .field('model', 'string', { options: ['small', 'large'], label: 'Model' })
    .field('layers', 'integer')
    .list('prompts', ConfigSchema.new().field('text', 'string'))
    .group('sampling', ConfigSchema.new().field('top_k', 'integer').field('greedy', 'boolean').group('deep', ConfigSchema.new().field('x', 'float')))
    .toJSONSchema();
  assert.equal(sweepableFields(schema), [
    { path: 'model', type: 'string', options: ['small', 'large'], label: 'Model' },
    { path: 'layers', type: 'integer' },
    { path: 'prompts', type: 'array' },
    { path: 'sampling.top_k', type: 'integer' },
    { path: 'sampling.greedy', type: 'boolean' },
    { path: 'sampling.deep.x', type: 'number' },
  ]);
});

grid('combinations: every one, the first field varying slowest; named from the base name and the values', () => {
  const g = { model: ['small', 'large'], 'sampling.temperature': [0.1, 0.5], greedy: [true] };
  assert.is(gridSize(g), 4);
  assert.is(gridSize({}), 0);
  assert.is(gridSize({ a: [1, 2], b: [] }), 0);
  const combinations = expandGrid(g);
  assert.equal(combinations.map((c) => sweepInstanceName('baseline', c)), [
    'baseline · model=small · sampling.temperature=0.1 · greedy=true',
    'baseline · model=small · sampling.temperature=0.5 · greedy=true',
    'baseline · model=large · sampling.temperature=0.1 · greedy=true',
    'baseline · model=large · sampling.temperature=0.5 · greedy=true',
  ]);
  assert.is(sweepInstanceName('te', { prompt: '' }), 'te · prompt=""', 'empty text quoted, not a name ending in =');
  assert.is(sweepInstanceName('te', { prompt: 'x' }), 'te · prompt=x');
  assert.is(sweepInstanceName('b', { prompts: [{ text: 'hi' }] }), 'b · prompts=[{"text":"hi"}]');
});

grid('an assignment is set over the base configuration, through groups, without changing the base', () => {
  const base = { model: 'small', sampling: { temperature: 0.7, top_k: 5 } };
  const applied = applyAssignment(base, { 'sampling.temperature': 0.1, 'extra.deep': 1 });
  assert.equal(applied, { model: 'small', sampling: { temperature: 0.1, top_k: 5 }, extra: { deep: 1 } });
  assert.equal(base, { model: 'small', sampling: { temperature: 0.7, top_k: 5 } });
  const polluted = applyAssignment({}, { '__proto__.polluted': 1 });
  assert.is(({} as Record<string, unknown>).polluted, undefined, 'no prototype reached');
  assert.equal(Object.keys(polluted), ['__proto__']);
});

parse.run();
grid.run();
