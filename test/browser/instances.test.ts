import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';

const chromium = requireChromium('UI in Chromium: instances, and two pages in sync');
const instances = suite('UI in Chromium: instances, and two pages in sync');

instances('Edit from the dashboard: an invalid value is refused beside its field, a valid one saved', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const created = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Tuned', configuration: { iterations: 4 } })).body;
    await page.goto('/experiments');
    const dashboard = page.locator('athanor-dashboard');
    await dashboard.getByRole('link', { name: 'Tuned', exact: true }).waitFor({ timeout: 90_000 });
    await shot('dashboard');
    assert.equal(await axe(page), []);

    await dashboard.getByRole('link', { name: 'Edit the configuration of Tuned' }).click();
    await page.waitForURL(`**/experiments/${created.id}?edit=1`);
    const editor = page.locator('athanor-instance-editor');
    const iterations = editor.locator('athanor-config-form #f-iterations');
    await iterations.waitFor();
    assert.is(await iterations.inputValue(), '4');
    await iterations.fill('500');
    const error = editor.locator('athanor-config-form #f-iterations-error');
    await error.getByText('above the maximum 100').waitFor();
    // The warning mark sits on the message's line, not alone above it.
    const box = (await error.boundingBox())!;
    assert.ok(box.height < 24, `the error takes ${box.height} px: one line expected`);
    assert.is(await editor.getByRole('status').textContent(), '1 configuration problem to fix');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    assert.equal((await api('GET', `/api/instances/${created.id}`)).body.configuration, { iterations: 4 }, 'an invalid form is not sent');
    await shot('instance-editor-error');

    await iterations.fill('7');
    await editor.locator('#edit-name').fill('Tuned again');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    const view = page.locator('athanor-instance-view');
    await view.getByRole('heading', { name: 'Tuned again', level: 1 }).waitFor();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const saved = (await api('GET', `/api/instances/${created.id}`)).body;
    assert.equal(saved.configuration, { iterations: 7 });
    assert.is(saved.name, 'Tuned again');
  });
});

instances('Clone opens the copy; Delete asks first, Esc keeps the instance, confirming removes it', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const original = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Original', configuration: { iterations: 2 } })).body;
    await page.goto(`/experiments/${original.id}`);
    const view = page.locator('athanor-instance-view');
    await view.getByRole('heading', { name: 'Original', level: 1 }).waitFor({ timeout: 90_000 });
    await shot('instance-view');

    await view.getByRole('button', { name: 'Clone' }).click();
    const clone = page.getByRole('dialog', { name: 'Clone Original' });
    await clone.waitFor();
    assert.is(await clone.getByLabel('Name of the copy').inputValue(), 'Original (copy)');
    await clone.getByLabel('Name of the copy').fill('Second');
    await clone.getByRole('button', { name: 'Clone', exact: true }).click();
    await view.getByRole('heading', { name: 'Second', level: 1 }).waitFor();
    const copy = (await api('GET', '/api/instances')).body.find((i: { name: string }) => i.name === 'Second');
    assert.ok(copy, 'the copy exists');
    assert.ok(page.url().endsWith(`/experiments/${copy.id}`), 'the page shows the copy');
    assert.equal(copy.configuration, { iterations: 2 });

    await view.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete Second?' });
    await confirm.waitFor();
    await shot('instance-delete-confirm');
    assert.equal(await axe(page), []);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    assert.is((await api('GET', `/api/instances/${copy.id}`)).status, 200, 'Esc deletes nothing');

    await view.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete instance' }).click();
    await page.waitForURL('**/experiments');
    await page.locator('athanor-dashboard').getByRole('link', { name: 'Original', exact: true }).waitFor();
    assert.is((await api('GET', `/api/instances/${copy.id}`)).status, 404);
    assert.is(await page.locator('athanor-dashboard').getByRole('link', { name: 'Second', exact: true }).count(), 0);
  });
});

instances('two pages stay in sync: what one creates and runs, the other shows live', async () => {
  await withBrowserWorkbench(async ({ page, newPage, shot }) => {
    const other = await newPage();
    await Promise.all([page.goto('/experiments'), other.goto('/experiments')]);
    await page.locator('athanor-dashboard').getByText('No instances yet').waitFor({ timeout: 90_000 });
    await other.locator('athanor-dashboard').getByText('No instances yet').waitFor({ timeout: 90_000 });

    // Created in the first page…
    await page.goto('/experiments/new?experiment=my_experiment');
    const form = page.locator('athanor-new-instance');
    await form.locator('#name').fill('Shared');
    await form.locator('athanor-config-form #f-iterations').fill('3');
    await shot('new-instance');
    await form.getByRole('button', { name: 'Create instance' }).click();
    await page.waitForURL(/\/experiments\/[0-9a-f-]{36}$/);
    // …appears on the second's dashboard without a reload.
    const row = other.locator('athanor-dashboard [role="row"]', { hasText: 'Shared' });
    await row.waitFor();

    // A run started in the first page completes in the second's run counts.
    await page.locator('athanor-instance-view').getByRole('button', { name: /Start run/ }).click();
    await row.locator('athanor-run-counts [data-status="completed"]', { hasText: '1' }).waitFor({ timeout: 30_000 });
    await shot('dashboard-live-from-another-page', other);
  });
});

instances('the dark scheme: dashboard, new instance and instance view', async () => {
  await withBrowserWorkbench(
    async ({ page, api, shot }) => {
      const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Night', configuration: { iterations: 1 } })).body;
      await page.goto('/experiments');
      await page.locator('athanor-dashboard').getByRole('link', { name: 'Night', exact: true }).waitFor({ timeout: 90_000 });
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.not.equal(background, 'rgb(255, 255, 255)', 'the dark theme is applied');
      await shot('dashboard-dark');
      assert.equal(await axe(page), []);
      await page.goto('/experiments/new?experiment=my_experiment');
      await page.locator('athanor-new-instance athanor-config-form #f-iterations').waitFor();
      await shot('new-instance-dark');
      assert.equal(await axe(page), []);
      await page.goto(`/experiments/${instance.id}`);
      await page.locator('athanor-instance-view').getByRole('heading', { name: 'Night', level: 1 }).waitFor();
      await shot('instance-view-dark');
      assert.equal(await axe(page), []);
    },
    { colorScheme: 'dark' },
  );
});

if (chromium) instances.run();
