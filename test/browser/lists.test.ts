// Lists that scale (issue 14 item 5), in Chromium against a workbench on PGlite seeded in
// SQL: the dashboard with 10,000 instances and the source pane of an experiment with 2,000.
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page, Request } from 'playwright-core';
import { axe, requireChromium, SCREENSHOTS, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { createPgliteFolder, createScratchSchema, postgresTestUrl } from '../helpers/databases.ts';
import { seedInstances } from './lists-seed.ts';

const chromium = requireChromium('UI in Chromium: lists that scale (10,000 instances)');
const test = suite('UI in Chromium: lists that scale (10,000 instances)');

/** Where the screenshots are copied to be looked at. */
const SHOTS = process.env.ATHANOR_LIST_SHOTS ?? '/tmp/shots';

/** The window as it shows (a virtualized list's full page is mostly its empty, sized host). */
async function shoot(context: BrowserContextInfo, name: string, page: Page = context.page): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  await copyFile(join(SCREENSHOTS, `${name}.png`), join(SHOTS, `${name}.png`));
}

/** A fresh database: a scratch schema on the test Postgres (where the figures are taken), else a PGlite folder. */
async function scratchDatabase(): Promise<{ spec: string; remove(): Promise<void> }> {
  const url = postgresTestUrl();
  if (url) {
    const scratch = await createScratchSchema(url, 'athanor_lists');
    return { spec: scratch.url, remove: scratch.drop };
  }
  const folder = await createPgliteFolder({ migrated: true });
  return { spec: `pglite:${folder.dir}`, remove: folder.remove };
}

/** A workbench holding 8,000 instances of my_experiment and 2,000 of kernel_fixture, each with a run. */
async function withTenThousand(fn: (context: BrowserContextInfo) => Promise<void>, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
  const database = await scratchDatabase();
  try {
    await withBrowserWorkbench(
      async (context) => {
        const db = context.workbench.database.db;
        await seedInstances(db, { experiment: 'my_experiment', count: 8000, prefix: 'instance ' });
        await seedInstances(db, { experiment: 'kernel_fixture', count: 2000, prefix: 'kernel ' });
        context.page.setDefaultTimeout(30_000);
        await fn(context);
      },
      { workbench: { database: database.spec }, colorScheme },
    );
  } finally {
    await database.remove();
  }
}

const rows = (page: Page) => page.locator('athanor-dashboard .rows [role="row"]');

/**
 * Loads `path` (after one load to warm the dev server's module cache) and returns the
 * milliseconds from the navigation's start to the first row of `selector` in the page.
 */
async function timeToFirstRow(page: Page, path: string, selector: string): Promise<number> {
  await page.goto(path);
  await page.locator(selector).first().waitFor();
  await page.goto('about:blank');
  await page.goto(path);
  await page.locator(selector).first().waitFor();
  const [ms, api] = await page.evaluate(() => [
    Math.round(performance.now()),
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/instances'))
      .map((e) => `${e.name.replace(location.origin, '')} ${Math.round(e.startTime)}→${Math.round((e as PerformanceResourceTiming).responseEnd)} ms`),
  ] as const);
  process.stdout.write(`\n  ${path}: ${api.join(', ')}\n`);
  return ms;
}

test('the dashboard of 10,000 instances: first rows fast, only what is on screen in the DOM, each with its latest run', async () => {
  await withTenThousand(async (context) => {
    const { page } = context;
    const ms = await timeToFirstRow(page, '/experiments', 'athanor-dashboard .rows [role="row"]');
    process.stdout.write(`\n  dashboard, 10,000 instances: first rows after ${ms} ms\n`);
    assert.ok(ms < 5000, `first rows after ${ms} ms`);
    const dashboard = page.locator('athanor-dashboard');
    await dashboard.getByText('10,000 instances').waitFor();
    const shown = await rows(page).count();
    assert.ok(shown > 5 && shown < 200, `${shown} rows in the DOM`);

    // The newest instance first, with its latest run: status, time, headline metrics.
    const first = rows(page).first();
    await first.getByRole('link', { name: /^(instance|kernel) 00001$/ }).waitFor();
    await first.locator('athanor-status-badge[status="completed"]').waitFor();
    assert.match(await first.locator('.metrics').innerText(), /accuracy\s*[\d.]+\s*loss\s*[\d.]+/);
    assert.equal((await first.locator('athanor-run-counts [data-status="completed"]').innerText()).replace(/\s+/g, ' '), '✓ 1 completed');
    await shoot(context, 'lists-dashboard-10000');

    // Scrolling far: further pages come, the DOM stays bounded.
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, 20_000);
      await page.waitForTimeout(150);
    }
    await page.waitForFunction(() => {
      const dashboard = document.querySelector('athanor-app')?.shadowRoot?.querySelector('athanor-dashboard') ?? document.querySelector('athanor-dashboard');
      return (dashboard as any)?.instances?.length > 100;
    });
    const scrolled = await rows(page).count();
    assert.ok(scrolled < 200, `${scrolled} rows in the DOM after scrolling`);
    const names = await rows(page).locator('a.name').allInnerTexts();
    assert.ok(!names.some((name) => name.endsWith(' 00001')), 'the first rows left the DOM');
    await shoot(context, 'lists-dashboard-scrolled');
    assert.equal(await axe(page), []);
  });
});

test('the dashboard search narrows 10,000 instances to a match on a page never loaded, and keeps it in the URL', async () => {
  await withTenThousand(async (context) => {
    const { page } = context;
    await page.goto('/experiments');
    await rows(page).first().waitFor();
    const search = page.getByRole('searchbox', { name: 'Search instances by name' });
    // Typed key by key (an `n` among them is text here, not the New-instance shortcut): one search when typing pauses.
    const asked: string[] = [];
    page.on('request', (request) => request.url().includes('/api/instances?') && asked.push(new URL(request.url()).searchParams.get('q') ?? ''));
    await search.pressSequentially('kernel 01999', { delay: 20 });
    await page.waitForURL('**/experiments?q=kernel+01999');
    await rows(page).filter({ hasText: 'kernel 01999' }).waitFor();
    await page.locator('athanor-dashboard').getByText('1 instance named like “kernel 01999”').waitFor();
    assert.is(await rows(page).count(), 1);
    // Once when typing paused. A loaded machine pauses mid-word (load 13 in CI: 6 searches for
    // 12 keys), so the bound is what debouncing guarantees: never one per key, at most half.
    const typed = 'kernel 01999'.length;
    assert.ok(asked.length >= 1 && asked.length <= typed / 2 && asked[asked.length - 1] === 'kernel 01999', `searches sent: ${JSON.stringify(asked)}`);
    await shoot(context, 'lists-dashboard-search');

    // The URL keeps it: a reload shows the same.
    await page.reload();
    await rows(page).filter({ hasText: 'kernel 01999' }).waitFor();
    assert.is(await search.inputValue(), 'kernel 01999');
    // Esc clears it.
    await search.press('Escape');
    await page.waitForURL(/\/experiments$/);
    await page.locator('athanor-dashboard').getByText('10,000 instances').waitFor();
  });
});

test('the source pane of an experiment with 2,000 instances: one request for them and their latest runs, the rest as it scrolls', async () => {
  await withTenThousand(async (context) => {
    const { page } = context;
    const listed: string[] = [];
    const onRequest = (request: Request) => {
      const path = new URL(request.url()).pathname;
      if (/^\/api\/(instances|runs)/.test(path)) listed.push(request.url());
    };
    // Warm the dev server's modules first, so the figure is the page's, not Vite's.
    await page.goto('/source/kernel_fixture');
    await page.locator('athanor-experiment-instances li.instance').first().waitFor();
    await page.goto('about:blank');
    page.on('request', onRequest);
    await page.goto('/source/kernel_fixture');
    const instances = page.locator('athanor-experiment-instances');
    await instances.locator('li.instance').first().waitFor();
    const ms = await page.evaluate(() => Math.round(performance.now()));
    process.stdout.write(`\n  source pane, 2,000 instances: first instances after ${ms} ms, ${listed.length} request(s) for instances and runs\n`);
    assert.ok(ms < 5000, `first instances after ${ms} ms`);
    await instances.getByRole('heading', { name: /Instances\s+2,000/ }).waitFor();
    await instances.getByRole('link', { name: 'kernel 00001', exact: true }).waitFor();
    await instances.locator('li.instance').first().locator('athanor-status-badge[status="completed"]').waitFor();
    assert.is(listed.length, 1, `requests: ${listed.join(' ')}`);
    await instances.scrollIntoViewIfNeeded();
    await shoot(context, 'lists-source-pane-2000');

    // Scrolling the panel to its end brings the next page, in one more request.
    const before = await instances.locator('li.instance').count();
    await instances.locator('.sentinel').scrollIntoViewIfNeeded();
    await page.waitForFunction((n) => {
      const app = document.querySelector('athanor-app')?.shadowRoot;
      const pane = app?.querySelector('athanor-source-pane')?.shadowRoot;
      const list = pane?.querySelector('athanor-experiment-instances') as any;
      return list?.instances?.length > n;
    }, before);
    assert.ok(listed.length <= 5, `${listed.length} requests after scrolling`);
    assert.ok((await instances.locator('li.instance').count()) > before);
  });
});

test('the dark scheme and a phone-sized screen: the dashboard of 10,000 instances', async () => {
  await withTenThousand(async (context) => {
    const { page } = context;
    await page.goto('/experiments');
    await rows(page).first().waitFor();
    await shoot(context, 'lists-dashboard-dark');
    assert.equal(await axe(page), []);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await shoot(context, 'lists-dashboard-narrow');
    const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls ${overflow} px sideways`);
    const start = await page.getByRole('button', { name: /^Start run of (instance|kernel) 00001$/ }).first().boundingBox();
    assert.ok(start && start.x >= 0 && start.x + start.width <= 390, 'Start run is on screen');
    await page.goto('/source/kernel_fixture');
    await page.locator('athanor-experiment-instances li.instance').first().scrollIntoViewIfNeeded();
    await shoot(context, 'lists-source-pane-narrow');
  }, 'dark');
});

if (chromium) test.run();
