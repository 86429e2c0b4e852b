/** What a run ran with beside its instance now: which fields changed, were added or removed. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compareConfiguration, configurationChanges, describeChange, withSchemaDefaults } from '../../ui/state/config-diff.ts';

const test = suite('configuration diff');

const schema = {
  properties: {
    iterations: { default: 10 },
    label: { default: 'plain' },
    sampling: { default: {}, properties: { temperature: { default: 0.7 }, top_k: {} } },
    prompts: { default: [], items: { properties: { text: {}, weight: { default: 1 } } } },
  },
};

test('a changed value reads as ran with · instance now; the same values as same', () => {
  assert.equal(compareConfiguration({ iterations: 3, label: 'a' }, { iterations: 6, label: 'a' }), [
    { path: 'iterations', kind: 'changed', ran: 3, now: 6 },
    { path: 'label', kind: 'same', ran: 'a', now: 'a' },
  ]);
});

test("a field the experiment added since, with a default, is added: the next run gets it", () => {
  const fields = compareConfiguration({ iterations: 3 }, { iterations: 3 }, { properties: { label: { default: 'plain' }, iterations: {} } });
  assert.equal(fields, [
    { path: 'label', kind: 'added', now: 'plain' },
    { path: 'iterations', kind: 'same', ran: 3, now: 3 },
  ]);
});

test('a field the run had that the instance has no more is removed', () => {
  assert.equal(configurationChanges({ iterations: 3, seed: 7 }, { iterations: 3 }), [{ path: 'seed', kind: 'removed', ran: 7 }]);
});

test('groups are compared field by field, lists whole; key order does not matter', () => {
  const ran = { sampling: { top_k: 5, temperature: 0.7 }, prompts: [{ weight: 1, text: 'a' }] };
  const now = { prompts: [{ text: 'a' }], sampling: { temperature: 0.9, top_k: 5 } };
  // In the schema's order; the list item's missing weight is its default, so the lists are the same.
  assert.equal(configurationChanges(ran, now, schema), [
    { path: 'iterations', kind: 'added', now: 10 },
    { path: 'label', kind: 'added', now: 'plain' },
    { path: 'sampling.temperature', kind: 'changed', ran: 0.7, now: 0.9 },
  ]);
});

test('defaults reach groups and list items, as the server applies them', () => {
  assert.equal(withSchemaDefaults({ prompts: [{ text: 'a' }] }, schema), {
    prompts: [{ text: 'a', weight: 1 }],
    iterations: 10,
    label: 'plain',
    sampling: { temperature: 0.7 },
  });
});

test('without the instance there is nothing to compare: every field reads the same', () => {
  assert.ok(compareConfiguration({ iterations: 3 }, undefined).every((f) => f.kind === 'same'));
});

test('a change in words, for tooltips', () => {
  assert.is(describeChange({ path: 'iterations', kind: 'changed', ran: 3, now: 6 }), 'iterations 3 → 6');
  assert.is(describeChange({ path: 'label', kind: 'added', now: 'x' }), 'label added (x)');
  assert.is(describeChange({ path: 'seed', kind: 'removed', ran: 7 }), 'seed removed (was 7)');
});

test.run();
