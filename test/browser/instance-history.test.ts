import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { addSampler } from '../helpers/history-fixture.ts';

const chromium = requireChromium('UI in Chromium: instance history');
const history = suite('UI in Chromium: instance history');

history('edit an instance twice: its history says what changed, and each run links to the version it ran', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    await addSampler({ api });
    const instance = (await api('POST', '/api/instances', { experiment: 'sampler', name: 'Sampling', configuration: {} })).body;
    await page.goto(`/experiments/${instance.id}`);
    const view = page.locator('athanor-instance-view');
    await view.getByRole('heading', { name: 'Sampling', level: 1 }).waitFor({ timeout: 90_000 });
    const runs = view.locator('table.runs tbody tr');
    const startRun = async (count: number) => {
      await view.getByRole('button', { name: /Start run/ }).click();
      await view.locator('table.runs tbody tr[data-status="completed"]').nth(count - 1).waitFor({ timeout: 30_000 });
    };
    await startRun(1);

    // First edit: one value of a group.
    const editor = page.locator('athanor-instance-editor');
    await view.getByRole('button', { name: 'Edit configuration' }).click();
    await editor.getByText('Saving changes future runs only; past runs keep the configuration they ran with.').waitFor();
    await editor.locator('athanor-config-form #f-sampling_2etop_k').fill('50');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const panel = view.locator('athanor-instance-history');
    await panel.getByRole('heading', { name: 'v2', exact: true }).waitFor();

    // Second edit: the name, a select and another value of the group.
    await view.getByRole('button', { name: 'Edit configuration' }).click();
    await editor.locator('#edit-name').fill('Sampling wide');
    await editor.locator('athanor-config-form #f-model').selectOption('large');
    await editor.locator('athanor-config-form #f-sampling_2etemperature').fill('1.1');
    await shot('instance-history-editor-note');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await panel.getByRole('heading', { name: 'v3', exact: true }).waitFor();
    await startRun(2);

    // No named functions inside evaluate: tsx's keepNames would wrap them in a helper the page lacks.
    const listed = await panel.locator('li.version').evaluateAll((items) =>
      items.map((item) => {
        const changes = [...item.querySelectorAll<HTMLElement>('ul.changes > li')];
        // What shows on screen: the words only a screen reader hears ("changed to") left out.
        const copies = (changes.length ? changes : [item.querySelector<HTMLElement>('.summary')!]).map((el) => el.cloneNode(true) as HTMLElement);
        copies.forEach((copy) => copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove()));
        const lines = copies.map((copy) => (copy.textContent ?? '').replace(/\s+/g, ' ').trim());
        return `${item.querySelector<HTMLElement>('h3')!.innerText.trim()}: ${lines.join('; ')}`;
      }),
    );
    assert.equal(listed, [
      'v3: name: "Sampling" → "Sampling wide"; model: "small" → "large"; sampling.temperature: 0.7 → 1.1',
      'v2: sampling.top_k: 40 → 50',
      'v1: Created as Sampling.',
    ]);
    assert.match(await panel.getByRole('heading', { name: /^History/ }).innerText(), 'History (3 versions)');
    // Newest run first: it ran v3, the first one v1.
    assert.equal(await runs.locator('a.version-link').allInnerTexts(), ['v3', 'v1']);
    await shot('instance-history');
    assert.equal(await axe(page), []);

    // The first run's link shows the version it ran, in place.
    const url = page.url();
    await runs.nth(1).getByRole('link', { name: /^v1, the configuration run/ }).click();
    const v1 = panel.locator('#version-1');
    await panel.locator('#version-1.highlighted').waitFor();
    assert.ok(await v1.evaluate((el) => el.matches(':focus')), 'the version has the focus');
    assert.ok(await v1.locator('details').evaluate((el) => (el as HTMLDetailsElement).open), 'its configuration is open');
    assert.match(await v1.locator('details').innerText(), /top_k\s*40/);
    assert.ok(await v1.evaluate((el) => { const box = el.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }), 'scrolled into view');
    assert.is(page.url(), url, 'no navigation');
    await shot('instance-history-linked-version');
    assert.equal(await axe(page), []);

    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('instance-history-dark');
    assert.equal(await axe(page), []);
  });
});

history('a run\'s version link opened in a new tab shows that version', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'Linked', configuration: { iterations: 1 } })).body;
    await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 2 } });
    await page.goto(`/experiments/${instance.id}#version-1`);
    const panel = page.locator('athanor-instance-view athanor-instance-history');
    await panel.locator('#version-1.highlighted').waitFor({ timeout: 90_000 });
    assert.ok(await panel.locator('#version-1').evaluate((el) => el.matches(':focus')), 'the version has the focus');
  });
});

if (chromium) history.run();
