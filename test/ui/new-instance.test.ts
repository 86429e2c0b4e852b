import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-new-instance.ts';
import type { AthanorNewInstance } from '../../ui/elements/athanor-new-instance.ts';
import { NAVIGATE_EVENT, type NavigateDetail } from '../../ui/app/navigation.ts';
import { withWorkbench } from './views-workbench.helpers.ts';
import { until } from '../helpers/until.ts';

async function mount(base: string, experiment?: string) {
  const el = document.createElement('athanor-new-instance');
  el.setAttribute('api', base);
  if (experiment) el.setAttribute('experiment', experiment);
  const navigations: string[] = [];
  el.addEventListener(NAVIGATE_EVENT, (e) => {
    e.preventDefault();
    navigations.push((e as CustomEvent<NavigateDetail>).detail.path);
  });
  document.body.append(el);
  await until(() => el.experiments, 'the experiments to load');
  await el.updateComplete;
  return { el, navigations, root: el.shadowRoot! };
}

const form = (el: AthanorNewInstance) => el.shadowRoot!.querySelector('athanor-config-form')!;
async function type(target: HTMLInputElement | HTMLTextAreaElement, text: string) {
  target.value = text;
  target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
async function settle(el: AthanorNewInstance) {
  await el.updateComplete;
  await form(el)?.updateComplete;
  await el.updateComplete;
}

test('lists the experiments, builds the form, explains what is missing and creates the instance', async () => {
  await withWorkbench(async ({ base, api }) => {
    const { el, navigations, root } = await mount(base, 'my_experiment');
    const select = root.querySelector<HTMLSelectElement>('#experiment')!;
    assert.equal([...select.options].map((o) => o.value).sort(), ['kernel_fixture', 'my_experiment']);
    assert.is(el.selected?.name, 'my_experiment');
    await settle(el);
    const iterations = form(el).shadowRoot!.querySelector<HTMLInputElement>('#f-iterations')!;
    assert.is(iterations.value, '10');

    const submit = root.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    assert.is(submit.getAttribute('aria-disabled'), 'true');
    assert.match(root.querySelector('#submit-hint')!.textContent!, 'name the instance');

    await type(iterations, '500');
    await settle(el);
    assert.match(form(el).shadowRoot!.querySelector('#f-iterations-error')!.textContent!, 'above the maximum 100');
    assert.match(root.querySelector('#submit-hint')!.textContent!, 'fix 1 configuration problem');

    // Submitting while invalid shows the problems and sends nothing.
    submit.click();
    await settle(el);
    assert.match(root.querySelector('#name-error')!.textContent!, 'Name is required');
    assert.is(root.querySelector('#name')!.getAttribute('aria-invalid'), 'true');
    assert.is((await api('GET', '/api/instances')).body.length, 0);

    await type(root.querySelector<HTMLInputElement>('#name')!, 'first try');
    await type(root.querySelector<HTMLTextAreaElement>('#description')!, 'from the test');
    await type(iterations, '25');
    await settle(el);
    assert.is(submit.getAttribute('aria-disabled'), 'false');
    submit.click();
    await until(() => navigations.length > 0, 'the navigation to the new instance');
    const [created] = (await api('GET', '/api/instances')).body;
    assert.equal(navigations, [`/experiments/${created.id}`]);
    assert.is(created.name, 'first try');
    assert.is(created.description, 'from the test');
    assert.equal(created.configuration, { iterations: 25 });
    el.remove();
  });
});

test("the server's errors show beside their fields (422) and beside the name (409)", async () => {
  await withWorkbench(async ({ base, api }) => {
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'taken', configuration: {} });
    const { el, navigations, root } = await mount(base, 'my_experiment');
    // A stale schema (the experiment changed on the server since): the server has the last word.
    el.experiments = el.experiments!.map((e) =>
      e.name === 'my_experiment' ? { ...e, schema: { type: 'object', properties: { iterations: { type: 'integer' } } } } : e,
    );
    await settle(el);
    await type(root.querySelector<HTMLInputElement>('#name')!, 'fresh');
    await type(form(el).shadowRoot!.querySelector<HTMLInputElement>('#f-iterations')!, '1000');
    await settle(el);
    root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => form(el).serverErrors.length > 0, 'the 422 errors');
    await settle(el);
    const error = form(el).shadowRoot!.querySelector('#f-iterations-error')!.textContent!;
    assert.is(error.trim(), '1000 is above the maximum 100', 'the field is named by its label: the message does not repeat its path');
    assert.is(form(el).shadowRoot!.querySelector('#f-iterations')!.getAttribute('aria-invalid'), 'true');

    await type(form(el).shadowRoot!.querySelector<HTMLInputElement>('#f-iterations')!, '5');
    await type(root.querySelector<HTMLInputElement>('#name')!, 'taken');
    await settle(el);
    root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => el.nameError, 'the name conflict');
    await el.updateComplete;
    assert.match(root.querySelector('#name-error')!.textContent!, 'already exists');
    // The rule is said before it is broken: names are unique within an experiment.
    assert.is(root.querySelector('#name-hint')!.textContent, "Unique among this experiment's instances");
    assert.match(root.querySelector('#name')!.getAttribute('aria-describedby')!, 'name-hint');
    assert.equal(navigations, []);
    el.remove();
  });
});

test('opened for an experiment the workbench does not have (its file gone): it says so and configures none, until one is chosen', async () => {
  await withWorkbench(async ({ base }) => {
    const { el, root } = await mount(base, 'gone_experiment');
    assert.is(el.selected, undefined, 'no other experiment chosen in its place');
    assert.is(root.querySelector('athanor-config-form'), null);
    assert.is(root.querySelector<HTMLSelectElement>('#experiment')!.value, '');
    assert.match(root.querySelector('#experiment-help')!.textContent!.replace(/\s+/g, ' '), 'There is no experiment named gone_experiment (its file may have been removed or renamed). Choose another.');
    const select = root.querySelector<HTMLSelectElement>('#experiment')!;
    select.value = 'my_experiment';
    select.dispatchEvent(new Event('change'));
    await settle(el);
    assert.is(el.selected?.name, 'my_experiment');
    assert.ok(root.querySelector('athanor-config-form'));
    assert.not.match(root.querySelector('#experiment-help')!.textContent!, 'no experiment named');
    el.remove();
  });
});

test('opened with no experiment asked for, the form starts at the one this browser last made an instance of', async () => {
  await withWorkbench(async ({ base }) => {
    localStorage.clear();
    const first = await mount(base);
    const names = first.el.experiments!.filter((e) => !e.error).map((e) => e.name);
    assert.is(first.el.selected?.name, names[0], 'the first experiment, with nothing remembered');
    const other = names.find((name) => name !== names[0])!;
    const select = first.root.querySelector<HTMLSelectElement>('#experiment')!;
    select.value = other;
    select.dispatchEvent(new Event('change'));
    await settle(first.el);
    await type(first.root.querySelector<HTMLInputElement>('#name')!, 'remembered');
    await settle(first.el);
    first.root.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => first.navigations.length > 0, 'the instance to be made');
    first.el.remove();
    const again = await mount(base);
    assert.is(again.el.selected?.name, other);
    again.el.remove();
    localStorage.clear();
  });
});

test('an experiment that fails to load is listed disabled with its error, live', async () => {
  await withWorkbench(async ({ base, api }) => {
    const { el, root } = await mount(base);
    const created = await api('POST', '/api/experiments', { file: 'broken_one.ts' });
    assert.is(created.status, 201, JSON.stringify(created.body));
    const name: string = created.body.experiment.name;
    await until(() => el.experiments!.some((e) => e.name === name), 'the new experiment, live');
    await api('PUT', `/api/experiments/${name}/source`, { source: 'export function experiment( {' });
    const option = await until(async () => {
      await el.updateComplete;
      return [...root.querySelectorAll<HTMLOptionElement>('#experiment option')].find((o) => o.value === name && o.disabled);
    }, 'the broken experiment, disabled');
    assert.match(option.textContent!, 'failed to load');
    el.remove();
  });
});

test('a list below its minimum: the hint names it and the list says what is wrong, before any submit', async () => {
  await withWorkbench(async ({ base }) => {
    const { el, root } = await mount(base, 'my_experiment');
    el.experiments = el.experiments!.map((e) =>
      e.name === 'my_experiment'
        ? { ...e, schema: { type: 'object', additionalProperties: false, properties: { prompts: { type: 'array', title: 'Prompts', minItems: 1, default: [], items: { type: 'object', properties: { text: { type: 'string' } } } } } } }
        : e,
    );
    await settle(el);
    await type(root.querySelector<HTMLInputElement>('#name')!, 'named');
    await settle(el);
    assert.is(root.querySelector('#submit-hint')!.textContent!.trim(), 'To create it: fix 1 configuration problem (“Prompts”).');
    assert.is(form(el).shadowRoot!.querySelector('#f-prompts-error')?.textContent?.trim(), '0 items, fewer than the minimum 1');
    assert.is(form(el).shadowRoot!.querySelector('#f-prompts-add')!.textContent!.trim(), '+ Add prompt');
    el.remove();
  });
});

test('the chosen experiment breaking while the form is open: it is named as failing, the others stay choosable', async () => {
  await withWorkbench(async ({ base, api }) => {
    const { el, root } = await mount(base);
    const select = root.querySelector<HTMLSelectElement>('#experiment')!;
    select.value = 'my_experiment';
    select.dispatchEvent(new Event('change'));
    await settle(el);
    assert.is(el.selected?.name, 'my_experiment');
    await api('PUT', '/api/experiments/my_experiment/source', { source: 'export function experiment( {' });
    await until(() => el.experiments!.find((e) => e.name === 'my_experiment')?.error, 'the experiment broken, live');
    await settle(el);
    const help = root.querySelector('#experiment-help')!.textContent!.replace(/\s+/g, ' ').trim();
    assert.not.match(help, 'Every experiment');
    assert.match(help, /^my_experiment fails to load: .+ Fix its source, or choose another experiment\. 1 experiment fails to load and cannot be chosen: my_experiment\.$/);
    const options = [...root.querySelectorAll<HTMLOptionElement>('#experiment option')];
    assert.ok(options.find((o) => o.value === 'kernel_fixture' && !o.disabled), 'the others can be chosen');
    assert.ok(options.find((o) => o.value === 'my_experiment' && o.disabled));
    el.remove();
  });
});

test.run();
