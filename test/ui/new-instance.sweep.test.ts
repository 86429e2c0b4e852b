import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-new-instance.ts';
import type { AthanorNewInstance } from '../../ui/elements/athanor-new-instance.ts';
import { NAVIGATE_EVENT } from '../../ui/app/navigation.ts';
import { withWorkbench } from './views-workbench.helpers.ts';
import { until } from '../helpers/until.ts';

async function mountSweep(base: string) {
  const el = document.createElement('athanor-new-instance');
  el.setAttribute('api', base);
  el.setAttribute('experiment', 'my_experiment');
  el.setAttribute('sweep', '');
  el.addEventListener(NAVIGATE_EVENT, (e) => e.preventDefault());
  document.body.append(el);
  await until(() => el.experiments, 'the experiments to load');
  await settle(el);
  return { el, root: el.shadowRoot! };
}

const grid = (el: AthanorNewInstance) => el.shadowRoot!.querySelector('athanor-sweep-grid')!;
async function settle(el: AthanorNewInstance) {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    await el.shadowRoot!.querySelector('athanor-config-form')?.updateComplete;
    await el.shadowRoot!.querySelector('athanor-sweep-grid')?.updateComplete;
  }
}
function type(target: HTMLInputElement, text: string) {
  target.value = text;
  target.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
const hint = (root: ShadowRoot) => root.querySelector('#submit-hint')!.textContent!.replace(/\s+/g, ' ').trim();
const submit = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('button[type="submit"]')!;

test('a value corrected without changing the count: the Start button and its hint follow the new values', async () => {
  await withWorkbench(async ({ base }) => {
    const { el, root } = await mountSweep(base);
    const name = root.querySelector<HTMLInputElement>('#name')!;
    type(name, 'grid');
    await settle(el);
    const vary = grid(el).shadowRoot!.querySelector<HTMLInputElement>('#sweep-f-iterations-vary')!;
    vary.checked = true;
    vary.dispatchEvent(new Event('change'));
    await settle(el);
    const values = grid(el).shadowRoot!.querySelector<HTMLInputElement>('#sweep-f-iterations-values')!;
    type(values, '5, 500');
    await until(async () => (await settle(el), grid(el).shadowRoot!.querySelector('#sweep-f-iterations-error')), 'the error beside the values');
    await until(async () => (await settle(el), /fix the values of “Iterations”/.test(hint(root))), `the hint to name the field, not “${hint(root)}”`);
    assert.is(submit(root).getAttribute('aria-disabled'), 'true');

    // Two values before, two values after: only their validity changes.
    type(grid(el).shadowRoot!.querySelector<HTMLInputElement>('#sweep-f-iterations-values')!, '5, 50');
    await settle(el);
    assert.is(grid(el).shadowRoot!.querySelector('#sweep-f-iterations-error'), null);
    assert.is(hint(root), 'Ready: press Enter or “Start 2 runs”.');
    assert.is(submit(root).getAttribute('aria-disabled'), 'false');
    assert.is(submit(root).textContent!.trim(), 'Start 2 runs');

    // While it starts, the hint says so, rather than "Ready: press Enter or Starting…".
    submit(root).click();
    await until(() => el.submitting, 'the sweep to be sent');
    await el.updateComplete;
    assert.is(submit(root).textContent!.trim(), 'Starting…');
    assert.is(hint(root), 'Starting 2 runs…');
    await until(() => !el.submitting, 'the sweep to start');
  });
});

test.run();
