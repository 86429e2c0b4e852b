/**
 * Issue 13 in Chromium: an old run shows what it ran with — its configuration (marked where
 * the instance differs now), its environment and its code — and runs again as it ran.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { axe, requireChromium, SCREENSHOTS, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: what a run ran with');
const test = suite('UI in Chromium: what a run ran with');

const FILE = 'my_experiment.ts';
const OLD_LINE = '`Running iteration ${i}`';
const NEW_LINE = '`Step ${i}`';

/** Changes the experiment's log line on disk and waits for the workbench to reload it. */
async function editExperiment({ workbench }: BrowserContextInfo, before: string): Promise<void> {
  const file = join(workbench.experimentsDir, FILE);
  await writeFile(file, (await readFile(file, 'utf8')).replace(OLD_LINE, NEW_LINE));
  await until(() => workbench.registry.get('my_experiment')?.codeHash !== before, 'the experiment to reload', 20_000);
}

/** An instance with one completed run of 3 iterations; then the instance set to 6 and the file edited. */
async function oldRun(context: BrowserContextInfo) {
  const { api, workbench } = context;
  const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'reproducible', configuration: { iterations: 3 } })).body;
  const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
  const done = await workbench.experiments.waitForRun(run.id);
  assert.is(done.status, 'completed', String(done.error));
  assert.is((await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 6 } })).status, 200);
  await editExperiment(context, done.codeHash!);
  return { instance, run: done };
}

const record = (page: Page) => page.locator('athanor-run-record');
const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

test('an old run shows the configuration, environment and code it ran with, and runs again with its code as it ran', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page, api, workbench, shot } = context;
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'reproducible', configuration: { iterations: 3 } })).body;
    await page.goto(`/experiments/${instance.id}`);
    await page.getByRole('button', { name: /Start run/ }).click();
    const row = page.locator('athanor-instance-view table.runs tbody tr').first();
    await row.locator('athanor-status-badge[status="completed"]').waitFor({ timeout: 30_000 });
    const runId = (await row.getAttribute('data-id'))!;
    const first = (await api('GET', `/api/runs/${runId}`)).body;
    assert.is(await row.locator('.mark').count(), 0, 'a run with what a run gets now is not marked');

    // The instance's configuration changes (in its editor), then the experiment's file.
    await page.getByRole('button', { name: 'Edit configuration' }).click();
    await page.locator('athanor-instance-editor athanor-config-form #f-iterations').fill('6');
    await page.locator('athanor-instance-editor').getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await row.getByText('other config').waitFor();
    await editExperiment(context, first.codeHash);
    await row.getByText('older code').waitFor();
    assert.match(await row.locator('.mark.other-config').getAttribute('title') ?? '', 'iterations 3 → 6');
    await shot('run-record-instance-marks');

    // The old run: what it ran with, marked where the instance differs now.
    await row.getByRole('link', { name: `Run ${runId.slice(0, 8)}`, exact: true }).click();
    await page.waitForURL(`**/runs/${runId}`);
    const iterations = record(page).locator('.field[data-path="iterations"]');
    await iterations.waitFor();
    assert.is(await iterations.getAttribute('data-kind'), 'changed');
    assert.match((await iterations.textContent())!.replace(/\s+/g, ' '), 'ran with 3 · instance now 6');
    await record(page).getByText("Differs from reproducible's configuration now: 1 changed.").waitFor();
    const environment = record(page).locator('dl.facts');
    assert.match((await environment.textContent())!, process.version);
    assert.match((await environment.textContent())!, `${process.platform} / ${process.arch}`);
    await record(page).locator('.code-line').getByText('older code').waitFor();

    // Its source at that version, read-only.
    await record(page).getByRole('button', { name: 'View source at this version' }).click();
    const source = record(page).locator('athanor-code-snapshot athanor-code-editor .cm-content');
    await source.getByText('Running iteration').waitFor();
    assert.is(await source.getByText('Step').count(), 0, 'the code as it ran, not as the file is now');
    assert.is(await source.getAttribute('aria-readonly'), 'true');

    // Its diff with the current source.
    await record(page).getByRole('button', { name: 'Diff with the current source' }).click();
    const diff = record(page).locator('athanor-code-diff');
    await diff.getByText('1 change').waitFor();
    await diff.locator('.cm-merge-a .cm-changedText').getByText('Running iteration').first().waitFor();
    await diff.locator('.cm-merge-b .cm-changedText').getByText('Step').first().waitFor();
    await shot('run-record-light');
    await record(page).locator('section.card').last().screenshot({ path: join(SCREENSHOTS, 'run-record-code-light.png') });
    assert.equal(await axe(page), []);
    await diff.getByRole('button', { name: 'Inline' }).click();
    await diff.locator('.cm-deletedChunk').getByText('Running iteration').waitFor();

    // Run again with this code: the old behaviour and configuration, whatever the file and instance say now.
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.getByRole('group', { name: `Run ${runId.slice(0, 8)} again` }).waitFor();
    assert.equal(await axe(page), []);
    await shot('run-record-run-again');
    await page.getByRole('button', { name: 'With this code' }).click();
    await page.waitForURL((url) => /\/runs\//.test(url.pathname) && !url.pathname.endsWith(runId));
    const rerunId = page.url().split('/runs/')[1]!;
    await page.locator('athanor-run-view athanor-status-badge[status="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('athanor-run-view').getByRole('link', { name: `Run ${runId.slice(0, 8)}`, exact: true }).waitFor();
    await page.locator('athanor-log-view .line[data-seq]').filter({ hasText: 'Running iteration 3' }).waitFor();
    const rerun = (await api('GET', `/api/runs/${rerunId}`)).body;
    assert.is(rerun.rerunOf, runId);
    assert.is(rerun.codeHash, first.codeHash, 'it ran the kept code');
    assert.equal(rerun.configuration, { iterations: 3 });
    const logs = (await api('GET', `/api/runs/${rerunId}/logs?limit=100`)).body.items.map((e: { message: string }) => e.message);
    assert.equal(logs, ['Running iteration 1', 'Running iteration 2', 'Running iteration 3']);
    assert.is(workbench.registry.get('my_experiment')?.codeHash === first.codeHash, false, 'the file still says Step');
  }, { workbench: { watch: true } });
});

test('a run whose helper module changed since, not its file: the diff says the change is in what it imports, not that nothing changed', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page, api, workbench } = context;
    const dir = workbench.experimentsDir;
    await writeFile(join(dir, 'label.ts'), "export const label = 'first';\n");
    const source = await readFile(join(dir, FILE), 'utf8');
    await writeFile(join(dir, FILE), `import { label } from './label.ts';\n${source.replace(OLD_LINE, '`${label} ${i}`')}`);
    const loaded = await until(() => {
      const entry = workbench.registry.get('my_experiment');
      return entry && !entry.error && entry.schema ? entry.codeHash : undefined;
    }, 'the experiment with its helper to load', 20_000);
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'helped', configuration: { iterations: 1 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    assert.is((await workbench.experiments.waitForRun(run.id)).status, 'completed');
    await writeFile(join(dir, 'label.ts'), "export const label = 'second';\n");
    await until(() => workbench.registry.get('my_experiment')?.codeHash !== loaded, 'the helper edit to reload the experiment', 20_000);
    await page.goto(`/runs/${run.id}`);
    await record(page).locator('.code-line').getByText('older code').waitFor();
    await record(page).getByRole('button', { name: 'Diff with the current source' }).click();
    const status = record(page).locator('athanor-code-diff [role=status]');
    await status.getByText('the code changed since this run').waitFor();
    assert.is((await status.textContent())!.replace(/\s+/g, ' ').trim(),
      'No difference in my_experiment.ts itself: the code changed since this run in the module it imports (label.ts). Compare this run with a newer one to see how.');
  }, { workbench: { watch: true } });
});

test('dark and 390 px wide: the record, the source and the diff fit and read; with the current code runs the file now', async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page, api, shot } = context;
      const { run } = await oldRun(context);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/runs/${run.id}`);
      await record(page).locator('.field[data-kind="changed"]').waitFor();
      await record(page).getByRole('button', { name: 'View source at this version' }).click();
      await record(page).locator('athanor-code-snapshot .cm-content').getByText('Running iteration').waitFor();
      await record(page).getByRole('button', { name: 'Diff with the current source' }).click();
      const diff = record(page).locator('athanor-code-diff');
      await diff.locator('.cm-deletedChunk').getByText('Running iteration').waitFor();
      assert.is(await diff.getByRole('button', { name: 'Inline' }).getAttribute('aria-pressed'), 'true', 'inline on a narrow screen');
      const overflow = await sideways(page);
      assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways at 390 px`);
      // CodeMirror measures its lines once they are in view (as a reader scrolls to them).
      await diff.scrollIntoViewIfNeeded();
      await shot('run-record-narrow-dark');
      await record(page).screenshot({ path: join(SCREENSHOTS, 'run-record-narrow-dark-record.png') });
      assert.equal(await axe(page), []);

      await page.setViewportSize({ width: 1280, height: 900 });
      await diff.getByRole('button', { name: 'Side by side' }).click();
      await diff.locator('.cm-merge-b .cm-changedText').getByText('Step').first().waitFor();
      const background = await diff.locator('.cm-merge-a .cm-editor, .cm-editor.cm-merge-a').first().evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.is(background, 'rgb(15, 18, 22)', 'the diff follows the dark theme');
      await shot('run-record-dark');
      await record(page).screenshot({ path: join(SCREENSHOTS, 'run-record-dark-record.png') });
      assert.equal(await axe(page), []);

      await page.getByRole('button', { name: 'Run again' }).click();
      await page.getByRole('button', { name: 'With the current code' }).click();
      await page.waitForURL((url) => /\/runs\//.test(url.pathname) && !url.pathname.endsWith(run.id));
      await page.locator('athanor-log-view .line[data-seq]').filter({ hasText: 'Step 3' }).waitFor({ timeout: 30_000 });
      const rerunId = page.url().split('/runs/')[1]!;
      assert.equal((await api('GET', `/api/runs/${rerunId}`)).body.configuration, { iterations: 3 }, 'the configuration the run ran with');
    },
    { colorScheme: 'dark', workbench: { watch: true } },
  );
});

if (chromium) test.run();
