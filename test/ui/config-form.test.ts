import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema } from '../../core/experiment/config-schema.ts';
import '../../ui/elements/athanor-config-form.ts';
import type { AthanorConfigForm, ConfigChangeDetail } from '../../ui/elements/athanor-config-form.ts';
import { withServer } from '../helpers/http-workbench.ts';

const everything = ConfigSchema.new()
  .field('iterations', 'integer', { default: 10, min: 1, max: 100, label: 'Iterations', description: 'How many times' })
  .field('temperature', 'float', { default: 0.7, min: 0, max: 2, step: 0.1 })
  .field('model', 'string', { options: ['small', 'large'], default: 'small', label: 'Model' })
  .field('title', 'string', { required: true, min: 2, max: 20 })
  .field('verbose', 'boolean', { default: true })
  .field('notes', 'string', { format: 'textarea' })
  .field('script', 'string', { format: 'code' })
  .field('summary', 'string', { format: 'multiline' })
  .field('readme', 'string', { format: 'markdown' })
  .field('colour', 'string', { format: 'color', default: '#3b5bdb' })
  .field('contact', 'string', { format: 'email' })
  .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }).field('weight', 'float', { default: 1 }), { max: 3 })
  .group('sampling', ConfigSchema.new().field('top_k', 'integer', { default: 40, min: 1 }), { label: 'Sampling' })
  .toJSONSchema();

const test = suite<{ form: AthanorConfigForm; changes: ConfigChangeDetail[] }>('config-form');

test.before.each(async (context) => {
  context.form = document.createElement('athanor-config-form');
  context.changes = [];
  context.form.addEventListener('athanor-config-change', (e) => context.changes.push(e.detail));
  document.body.append(context.form);
  context.form.schema = everything;
  await context.form.updateComplete;
});

test.after.each(({ form }) => form.remove());

const $ = <T extends Element = HTMLElement>(form: AthanorConfigForm, selector: string) => {
  const el = form.shadowRoot!.querySelector<T>(selector);
  if (!el) throw new Error(`no ${selector} in the form`);
  return el as unknown as T;
};
const labelFor = (form: AthanorConfigForm, id: string) => form.shadowRoot!.querySelector(`label[for="${id}"]`)?.textContent?.trim();
async function type(form: AthanorConfigForm, selector: string, text: string) {
  const input = $<HTMLInputElement>(form, selector);
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await form.updateComplete;
}
const errorOf = (form: AthanorConfigForm, id: string) => form.shadowRoot!.querySelector(`#${id}-error`)?.textContent?.trim() ?? '';

test('beside its field an error does not repeat the path; a value out of range is one problem, not two', async ({ form }) => {
  form.schema = ConfigSchema.new()
    .field('latency_ms', 'integer', { default: 50, min: 0, max: 5000, step: 10, label: 'Simulated latency (ms)' })
    .field('trials', 'integer', { default: 6, min: 1, max: 60 })
    .toJSONSchema();
  await form.updateComplete;
  await type(form, '#f-latency_ms', '-5');
  assert.is(errorOf(form, 'f-latency_ms'), '-5 is below the minimum 0');
  assert.is(form.shadowRoot!.querySelectorAll('#f-latency_ms-error > div').length, 1);
  assert.is(form.errors.length, 1, JSON.stringify(form.errors));
  await type(form, '#f-trials', '0');
  assert.is(errorOf(form, 'f-trials'), '0 is below the minimum 1');
  await type(form, '#f-latency_ms', '15');
  assert.is(errorOf(form, 'f-latency_ms'), '15 is not on the step 10 from 0', 'in range but off its step: that is the problem');
});

test('hints and buttons read as words: "at least 1 character", "+ Add prompt"', async ({ form }) => {
  form.schema = ConfigSchema.new()
    .field('name', 'string', { min: 1 })
    .field('code', 'string', { min: 3, max: 3 })
    .field('title', 'string', { min: 2, max: 20 })
    .field('rate', 'float', { min: 0, max: 1 })
    .list('prompts', ConfigSchema.new().field('text', 'string'), { min: 1 })
    .list('categories', ConfigSchema.new().field('text', 'string'), { max: 4 })
    .list('data', ConfigSchema.new().field('text', 'string'))
    .toJSONSchema();
  await form.updateComplete;
  assert.is($(form, '#f-name-help').textContent, 'at least 1 character');
  assert.is($(form, '#f-code-help').textContent, 'exactly 3 characters');
  assert.is($(form, '#f-title-help').textContent, '2 to 20 characters');
  assert.is($(form, '#f-rate-help').textContent, '0 to 1');
  assert.is($(form, '#f-prompts-help').textContent, 'at least 1 item');
  assert.is($(form, '#f-prompts-add').textContent!.trim(), '+ Add prompt');
  assert.is($(form, '#f-categories-add').textContent!.trim(), '+ Add category');
  assert.is($(form, '#f-data-add').textContent!.trim(), '+ Add item');
  assert.not.match(form.shadowRoot!.textContent!, '∞');
  $<HTMLButtonElement>(form, '#f-prompts-add').click();
  await form.updateComplete;
  assert.is($(form, '#f-prompts_5b0_5d legend').textContent, 'Prompt 1');
  assert.ok(form.shadowRoot!.querySelector('button[aria-label="Remove prompt 1"]'));
});

test('a list below its minimum is marked at once: nothing to type into, so nothing to wait for', async ({ form }) => {
  form.schema = ConfigSchema.new().list('prompts', ConfigSchema.new().field('text', 'string'), { min: 1 }).toJSONSchema();
  await form.updateComplete;
  assert.is(form.errors.length, 1);
  assert.is(errorOf(form, 'f-prompts'), '0 items, fewer than the minimum 1');
  assert.is($(form, '#f-prompts').getAttribute('aria-describedby'), 'f-prompts-help f-prompts-error');
  assert.equal(form.problemFields(), ['prompts']);
});

test('every field kind renders with its label, bounds, step and default', async ({ form }) => {
  const iterations = $<HTMLInputElement>(form, '#f-iterations');
  assert.is(iterations.type, 'number');
  assert.is(iterations.getAttribute('min'), '1');
  assert.is(iterations.getAttribute('max'), '100');
  assert.is(iterations.getAttribute('step'), '1');
  assert.is(iterations.value, '10');
  assert.is(labelFor(form, 'f-iterations'), 'Iterations');
  assert.match($(form, '#f-iterations-help').textContent!, 'How many times');
  assert.match(iterations.getAttribute('aria-describedby')!, 'f-iterations-help');

  const temperature = $<HTMLInputElement>(form, '#f-temperature');
  assert.is(temperature.getAttribute('step'), '0.1');
  assert.is(temperature.value, '0.7');

  const model = $<HTMLSelectElement>(form, '#f-model');
  assert.is(model.tagName, 'SELECT');
  assert.equal([...model.options].map((o) => o.textContent), ['small', 'large']);
  assert.ok(model.options[0]!.hasAttribute('selected'), 'the default option is selected');

  assert.is($<HTMLInputElement>(form, '#f-title').getAttribute('aria-required') ?? String($<HTMLInputElement>(form, '#f-title').required), 'true');
  assert.match(labelFor(form, 'f-title')!, '*');
  const verbose = $<HTMLInputElement>(form, '#f-verbose');
  assert.is(verbose.type, 'checkbox');
  assert.is(verbose.checked, true);
  for (const id of ['notes', 'script', 'summary', 'readme']) assert.is($(form, `#f-${id}`).tagName, 'TEXTAREA', id);
  assert.ok($(form, '#f-script').classList.contains('code'));
  assert.is($<HTMLInputElement>(form, '#f-colour').value, '#3b5bdb');
  assert.ok(form.shadowRoot!.querySelector('input[type="color"][aria-label="Pick colour"]'));
  assert.is($<HTMLInputElement>(form, '#f-contact').type, 'email');

  const list = $(form, 'fieldset#f-prompts');
  assert.match(list.querySelector('legend')!.textContent!, 'prompts');
  assert.match(list.textContent!, 'No items.');
  const group = $(form, 'fieldset#f-sampling');
  assert.is(group.querySelector('legend')!.textContent, 'Sampling');
  assert.is($<HTMLInputElement>(form, '#f-sampling_2etop_k').value, '40');

  assert.equal(form.value, {
    iterations: 10, temperature: 0.7, model: 'small', verbose: true, colour: '#3b5bdb', prompts: [], sampling: { top_k: 40 },
  });
});

test('errors show beside their field as it is edited, before any submit', async ({ form, changes }) => {
  await type(form, '#f-iterations', '1000');
  const iterations = $<HTMLInputElement>(form, '#f-iterations');
  assert.is(iterations.getAttribute('aria-invalid'), 'true');
  assert.match(iterations.getAttribute('aria-describedby')!, 'f-iterations-error');
  assert.is(errorOf(form, 'f-iterations'), '1000 is above the maximum 100');
  // The untouched required title is not flagged yet…
  assert.is(errorOf(form, 'f-title'), '');
  const last = changes.at(-1)!;
  assert.is(last.valid, false);
  assert.ok(last.errors.some((e) => e.path === 'title'));

  await type(form, '#f-temperature', '0.75');
  assert.is(errorOf(form, 'f-temperature'), '0.75 is not on the step 0.1 from 0');
  await type(form, '#f-iterations', '2.5');
  assert.is(errorOf(form, 'f-iterations'), '2.5 is not an integer');
  await type(form, '#f-iterations', '0');
  assert.is(errorOf(form, 'f-iterations'), '0 is below the minimum 1');
  await type(form, '#f-iterations', '42');
  assert.is(errorOf(form, 'f-iterations'), '');
  assert.is($(form, '#f-iterations').getAttribute('aria-invalid'), 'false');

  await type(form, '#f-title', 'x');
  assert.is(errorOf(form, 'f-title'), '"x" is shorter than the minimum length 2');
  await type(form, '#f-title', '');
  assert.is(errorOf(form, 'f-title'), 'Required');
  await type(form, '#f-contact', 'not an email');
  assert.is(errorOf(form, 'f-contact'), '"not an email" is not a valid email');
});

test('validate() shows every error; a valid form reports valid', async ({ form, changes }) => {
  const errors = form.validate();
  await form.updateComplete;
  assert.equal(errors.map((e) => e.path), ['title']);
  assert.is(errorOf(form, 'f-title'), 'Required');
  await type(form, '#f-title', 'A title');
  assert.is(changes.at(-1)!.valid, true);
  assert.equal(form.validate(), []);
  assert.is(form.value.title, 'A title');
});

test('lists add, reorder and remove rows by keyboard-reachable buttons; items validate', async ({ form }) => {
  const add = $<HTMLButtonElement>(form, '#f-prompts-add');
  add.click();
  await form.updateComplete;
  add.click();
  await form.updateComplete;
  assert.equal(form.value.prompts, [{ weight: 1 }, { weight: 1 }]);
  assert.is($(form, '#f-prompts_5b0_5d').querySelector('legend')!.textContent, 'Prompt 1');
  await type(form, '#f-prompts_5b0_5d_2etext', 'first');
  await type(form, '#f-prompts_5b1_5d_2etext', 'second');
  await type(form, '#f-title', 'title');
  form.validate();
  await form.updateComplete;
  assert.equal(form.errors, []);

  $<HTMLButtonElement>(form, '#f-prompts_5b0_5d-down').click();
  await form.updateComplete;
  assert.equal((form.value.prompts as { text: string }[]).map((p) => p.text), ['second', 'first']);
  assert.is($<HTMLInputElement>(form, '#f-prompts_5b0_5d_2etext').value, 'second');
  // The moved row keeps the focus on its button.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.is(form.shadowRoot!.activeElement?.id, 'f-prompts_5b1_5d-up', 'at the end, its Move up button');

  // Alt+↑ on a row moves it up.
  $(form, '#f-prompts_5b1_5d_2etext').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowUp', altKey: true, bubbles: true, composed: true }));
  await form.updateComplete;
  assert.equal((form.value.prompts as { text: string }[]).map((p) => p.text), ['first', 'second']);

  $<HTMLButtonElement>(form, '#f-prompts_5b0_5d-remove').click();
  await form.updateComplete;
  assert.equal(form.value.prompts, [{ text: 'second', weight: 1 }]);

  add.click();
  await form.updateComplete;
  add.click();
  await form.updateComplete;
  assert.is(add.disabled, true, 'a list at its max takes no more');
  // validate() ran before: from then on every problem shows at once.
  assert.is(errorOf(form, 'f-prompts_5b1_5d_2etext'), 'Required');
  // Beside its field only: not again in a banner above the form with its raw path (it pushed
  // "+ Add" down as the mouse pressed it, and the click missed).
  assert.is(form.shadowRoot!.querySelector('.orphans'), null, form.shadowRoot!.querySelector('.orphans')?.textContent ?? '');
});

test('a changed schema keeps the values of fields that still exist', async ({ form }) => {
  await type(form, '#f-iterations', '7');
  await type(form, '#f-title', 'kept');
  form.schema = ConfigSchema.new()
    .field('iterations', 'integer', { default: 10, min: 1, max: 100 })
    .field('title', 'string')
    .field('model', 'string', { options: ['tiny', 'huge'], default: 'tiny' })
    .field('verbose', 'boolean', { default: false })
    .field('seed', 'integer', { default: 3 })
    .toJSONSchema();
  await form.updateComplete;
  // Kept: edited values; new defaults for fields left at their old default; options that went away reset.
  assert.equal(form.value, { iterations: 7, title: 'kept', model: 'tiny', verbose: false, seed: 3 });
  assert.is($<HTMLInputElement>(form, '#f-iterations').value, '7');
  assert.is($<HTMLInputElement>(form, '#f-seed').value, '3');
  assert.not.ok(form.shadowRoot!.querySelector('#f-notes'));
});

test('setting value fills defaults; server errors show beside fields until edited', async ({ form }) => {
  form.value = { iterations: 3, sampling: {} };
  await form.updateComplete;
  assert.is(form.value.iterations, 3);
  assert.equal(form.value.sampling, { top_k: 40 });
  form.serverErrors = [{ path: 'iterations', message: 'config.iterations: from the server' }, { path: 'ghost', message: 'config.ghost is not a field of this experiment' }];
  await form.updateComplete;
  assert.is(errorOf(form, 'f-iterations'), 'From the server');
  assert.match($(form, '.orphans').textContent!, 'config.ghost is not a field');
  await type(form, '#f-iterations', '4');
  assert.is(errorOf(form, 'f-iterations'), '');
});

test('Enter in a field asks the host to submit', async ({ form }) => {
  let submitted = 0;
  form.addEventListener('athanor-config-submit', () => submitted++);
  $(form, '#f-iterations').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
  $(form, '#f-notes').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
  assert.is(submitted, 1, 'Enter in a text area is a new line');
});

test('the schema the server sends for an experiment makes the same form', async () => {
  await withServer(async ({ api }) => {
    const { body } = await api('GET', '/api/experiments/my_experiment');
    const form = document.createElement('athanor-config-form');
    document.body.append(form);
    form.schema = body.schema;
    await form.updateComplete;
    const input = form.shadowRoot!.querySelector<HTMLInputElement>('#f-iterations')!;
    assert.is(input.value, '10');
    assert.is(input.getAttribute('max'), '100');
    form.remove();
  });
});

test.run();
