import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { focusedId, tabTo } from './instances-helpers.ts';

const chromium = requireChromium('UI in Chromium: keyboard-only instances and runs');
const keyboard = suite('UI in Chromium: keyboard-only instances and runs');

keyboard('n opens the form, Tab walks it, Enter creates; r starts a run that completes; ? lists the keys', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    await page.goto('/experiments');
    // The first page of a process waits for Vite to transform the UI.
    await page.locator('athanor-dashboard').getByText('No instances yet').waitFor({ timeout: 90_000 });
    await page.keyboard.press('n');
    await page.waitForURL('**/experiments/new');
    await page.locator('athanor-new-instance #name').waitFor();

    // Experiment select first: choose my_experiment with the arrow keys if it is not chosen.
    await tabTo(page, 'experiment');
    for (let i = 0; i < 3 && (await page.locator('athanor-new-instance #experiment').inputValue()) !== 'my_experiment'; i++) {
      await page.keyboard.press('ArrowDown');
    }
    assert.is(await page.locator('athanor-new-instance #experiment').inputValue(), 'my_experiment');
    await tabTo(page, 'name');
    await page.keyboard.type('typed by keys');
    await page.keyboard.press('Tab');
    assert.is(await focusedId(page), 'description');
    await page.keyboard.type('no mouse involved');
    await tabTo(page, 'f-iterations');
    // An invalid value first: the error shows beside the field while typing.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('500');
    await page.locator('athanor-config-form #f-iterations-error').getByText('above the maximum 100').waitFor();
    await page.keyboard.press('Enter');
    assert.ok(page.url().endsWith('/experiments/new'), 'an invalid form is not sent');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    const view = page.locator('athanor-instance-view');
    await view.getByRole('heading', { name: 'typed by keys', level: 1 }).waitFor();
    const [instance] = (await api('GET', '/api/instances')).body;
    assert.equal(instance.configuration, { iterations: 3 });
    assert.is(instance.description, 'no mouse involved');

    await view.getByText('No runs yet').waitFor();
    await page.keyboard.press('r');
    await view.locator('table.runs athanor-status-badge[status="completed"]').waitFor({ timeout: 30_000 });
    assert.is(await view.locator('table.runs tbody tr').count(), 1);
    await shot('instance-view-after-keyboard-run');

    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.ok(await dialog.getByText('Start a run').isVisible());
    assert.equal(await axe(page), []);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});

keyboard('list rows are added, moved and removed from the keyboard', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    const created = await api('POST', '/api/experiments', { file: 'with_lists.ts' });
    const name: string = created.body.experiment.name;
    const source = `import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';
export function experiment() {
  return Definition.new().name('${name}').configuration(ConfigSchema.new()
    .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }), { max: 3 })
    .group('sampling', ConfigSchema.new().field('top_k', 'integer', { default: 40, min: 1 }), { label: 'Sampling' }));
}
export async function run(ctx: RunContext) { Runtime.complete(ctx); }
`;
    const put = await api('PUT', `/api/experiments/${name}/source`, { source });
    assert.is(put.status, 200, JSON.stringify(put.body));
    await page.goto(`/experiments/new?experiment=${name}`);
    const form = page.locator('athanor-config-form');
    await form.getByRole('group', { name: 'Sampling' }).waitFor({ timeout: 90_000 });
    await form.getByRole('button', { name: '+ Add prompt' }).focus();
    await page.keyboard.press('Enter');
    assert.is(await focusedId(page), 'f-prompts_5b0_5d_2etext', 'the new row takes the focus');
    await page.keyboard.type('one');
    await form.getByRole('button', { name: '+ Add prompt' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.type('two');
    await page.keyboard.press('Alt+ArrowUp');
    assert.equal(await form.locator('input[id$="_2etext"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), ['two', 'one']);
    await form.getByRole('button', { name: 'Remove prompt 2' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await form.locator('input[id$="_2etext"]').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)), ['two']);
    assert.equal(await axe(page), []);
  });
});

if (chromium) keyboard.run();
