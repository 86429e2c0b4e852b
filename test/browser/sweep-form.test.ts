// The sweep form (issue 14 item 4) in Chromium: from the new-instance page and from an
// instance, a grid of values, its count and names, refused over 1,000 before sending, the
// server's refusals beside their fields, and on success the comparison of the runs.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { axe, requireChromium, SCREENSHOTS, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { matchRoute } from '../../ui/app/app-routes.ts';

const chromium = requireChromium('UI in Chromium: the sweep form');
const test = suite('UI in Chromium: the sweep form');

const FIXTURES = ['test/fixtures/compare/sweep_fixture.ts'];
const SHOTS = process.env.ATHANOR_LIST_SHOTS ?? '/tmp/shots';

async function shoot(context: BrowserContextInfo, name: string, page: Page = context.page): Promise<void> {
  // From the top: a full-page shot taken scrolled draws the app's sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await context.shot(name, page);
  await mkdir(SHOTS, { recursive: true });
  await copyFile(join(SCREENSHOTS, `${name}.png`), join(SHOTS, `${name}.png`));
}

/** The id of the element that has the focus, through shadow roots. */
const focusedId = (page: Page): Promise<string> =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.id || active?.tagName.toLowerCase() || '';
  });

const form = (page: Page) => page.locator('athanor-new-instance');
const grid = (page: Page) => page.locator('athanor-sweep-grid');

/** Opens the sweep form of sweep_fixture from the new-instance page's "Sweep…" button. */
async function openSweep(page: Page): Promise<void> {
  await page.goto('/experiments/new?experiment=sweep_fixture');
  await form(page).locator('athanor-config-form #f-steps').waitFor({ timeout: 90_000 });
  await form(page).getByRole('button', { name: 'Sweep…' }).click();
  await page.waitForURL('**/experiments/new?experiment=sweep_fixture&sweep=1');
  await form(page).getByRole('heading', { name: 'New sweep', level: 1 }).waitFor();
}

test('a 2×2 grid: 4 combinations named as they will be, 4 runs started, and their comparison opens', async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page, api } = context;
      await openSweep(page);
      await form(page).locator('#name').fill('grid');
      await grid(page).getByText('Tick a field to vary.').waitFor();

      await grid(page).getByLabel('Vary model').check();
      // The base value is ticked already: tick the other.
      assert.ok(await grid(page).getByRole('checkbox', { name: 'small' }).isChecked());
      await grid(page).getByRole('checkbox', { name: 'large' }).check();
      await grid(page).getByLabel('Vary steps').check();
      const steps = grid(page).getByRole('textbox', { name: 'Values of steps' });
      assert.is(await steps.inputValue(), '4', 'starts from the base value');
      await steps.fill('2, 3');
      await grid(page).getByRole('status').getByText('4 combinations: 4 instances, each with a run').waitFor();
      assert.equal(await grid(page).locator('.preview li').allInnerTexts(), [
        'grid · model=small · steps=2',
        'grid · model=small · steps=3',
        'grid · model=large · steps=2',
        'grid · model=large · steps=3',
      ]);
      const submit = form(page).getByRole('button', { name: 'Start 4 runs' });
      await submit.waitFor();
      await shoot(context, 'sweep-form-2x2');
      assert.equal(await axe(page), []);

      await submit.click();
      await page.waitForURL(/\/compare\?runs=/);
      const ids = new URL(page.url()).searchParams.get('runs')!.split(',');
      assert.is(ids.length, 4, page.url());
      const instances = (await api('GET', '/api/instances?experiment=sweep_fixture')).body as { name: string; runCounts: { total: number } }[];
      assert.equal(instances.map((i) => i.name).sort(), [
        'grid · model=large · steps=2',
        'grid · model=large · steps=3',
        'grid · model=small · steps=2',
        'grid · model=small · steps=3',
      ]);
      assert.ok(instances.every((i) => i.runCounts.total === 1), 'each has its run');
      for (const id of ids) assert.is((await api('GET', `/api/runs/${id}`)).status, 200);
      // The compare page shows the four runs (once the app has that page: issue 14's runs table and comparison).
      if (matchRoute('/compare', `?runs=${ids.join(',')}`).view !== 'not-found') {
        const compare = page.locator('athanor-compare');
        // Live: each run's loss comes in as it runs; what the grid varied shows as changed.
        for (const id of ids) await compare.locator(`tr[data-metric="loss"] td[data-run="${id}"]`, { hasText: /\d/ }).waitFor();
        const changed = await compare.locator('table.config tr.changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
        assert.equal(changed.sort(), ['model', 'steps']);
        await shoot(context, 'sweep-compare');
      }
    },
    { fixtures: FIXTURES },
  );
});

test('over 1,000 combinations is refused before anything is sent, naming the count; a value out of range is named beside its field', async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page } = context;
      const posted: string[] = [];
      page.on('request', (request) => request.method() === 'POST' && request.url().includes('/api/sweeps') && posted.push(request.url()));
      await openSweep(page);
      await form(page).locator('#name').fill('big');
      await grid(page).getByLabel('Vary steps').check();
      await grid(page).getByRole('textbox', { name: 'Values of steps' }).fill('1..1000');
      await grid(page).getByLabel('Vary model').check();
      await grid(page).getByRole('checkbox', { name: 'large' }).check();
      await grid(page).getByText('2,000 combinations: a sweep may have at most 1,000').waitFor();
      // Enter in a field submits, as the (aria-disabled) button would.
      await form(page).locator('#name').press('Enter');
      await form(page).getByRole('status').getByText('vary fewer values: 2,000 combinations, at most 1,000').waitFor();
      await shoot(context, 'sweep-form-too-many');

      // A value the field refuses is named beside it; nothing is sent either.
      await grid(page).getByRole('textbox', { name: 'Values of steps' }).fill('0, 2');
      await grid(page).getByText('0 is below the minimum 1', { exact: true }).waitFor();
      await grid(page).getByLabel('Vary sampling › temperature').check();
      await grid(page).getByRole('textbox', { name: 'Values of sampling › temperature' }).fill('0.1..0.5 step 0.2');
      await grid(page).getByText('3 values').waitFor();
      await form(page).locator('#name').press('Enter');
      assert.is(await focusedId(page), 'sweep-f-steps-values', 'the field with the problem has the focus');
      await shoot(context, 'sweep-form-bad-value');
      assert.is(posted.length, 0, 'nothing was sent');
    },
    { fixtures: FIXTURES },
  );
});

test("the server's refusal (422) shows beside the field it names", async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page } = context;
      await page.route('**/api/sweeps', (route) =>
        route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'sweep of "sweep_fixture" is invalid',
            code: 'ERR_VALIDATION',
            errors: [{ path: 'steps', message: 'config.steps: 3 is refused by the server (in the combination model=large · steps=3)' }],
          }),
        }),
      );
      await openSweep(page);
      await form(page).locator('#name').fill('refused');
      await grid(page).getByLabel('Vary steps').check();
      await grid(page).getByRole('textbox', { name: 'Values of steps' }).fill('2, 3');
      await form(page).getByRole('button', { name: 'Start 2 runs' }).click();
      await grid(page).getByText('3 is refused by the server (in the combination model=large · steps=3)').waitFor();
      assert.ok(page.url().includes('/experiments/new'), 'still on the form');
      await shoot(context, 'sweep-form-server-error');
    },
    { fixtures: FIXTURES },
  );
});

test('Sweep… on an instance starts from its name and configuration; dark and narrow', async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page, api } = context;
      const instance = (await api('POST', '/api/instances', { experiment: 'sweep_fixture', name: 'baseline', configuration: { model: 'large', steps: 7 } })).body;
      await page.goto(`/experiments/${instance.id}`);
      await page.locator('athanor-instance-view').getByRole('link', { name: 'Sweep…' }).click();
      await page.waitForURL(`**/experiments/new?from=${instance.id}&sweep=1`);
      await form(page).getByRole('heading', { name: 'New sweep', level: 1 }).waitFor();
      assert.is(await form(page).locator('#name').inputValue(), 'baseline');
      assert.is(await form(page).locator('athanor-config-form #f-steps').inputValue(), '7');
      await grid(page).getByLabel('Vary fail').check();
      await grid(page).getByText('2 combinations').waitFor();
      assert.equal(await grid(page).locator('.preview li').allInnerTexts(), ['baseline · fail=true', 'baseline · fail=false']);
      await shoot(context, 'sweep-form-from-instance-dark');
      assert.equal(await axe(page), []);
      await page.setViewportSize({ width: 390, height: 844 });
      // The grid starts from the instance's values, not another experiment's.
      await grid(page).locator('li[data-path="model"]').getByText('now large').waitFor();
      await grid(page).getByLabel('Vary steps').check();
      assert.is(await grid(page).getByRole('textbox', { name: 'Values of steps' }).inputValue(), '7');
      await shoot(context, 'sweep-form-narrow-dark');
      const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways`);
    },
    { fixtures: FIXTURES, colorScheme: 'dark' },
  );
});

if (chromium) test.run();
