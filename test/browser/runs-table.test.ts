/**
 * Issue 14 in Chromium: an experiment's runs in one table — sorted by a metric on the
 * server, filtered by status and by a metric's range, its columns chosen, all of it in the
 * URL so a reload shows the same — live, and two runs selected open side by side.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { axe, requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';
import { EXPERIMENT, addCompareFixture, queryOf, sideways, snap, startFixtureRun, type FixtureRun } from './compare-helpers.ts';

const chromium = requireChromium('UI in Chromium: the runs table');
const test = suite('UI in Chromium: the runs table');

const TABLE = `/experiments/by-name/${EXPERIMENT}/runs`;
const table = (page: Page) => page.locator('athanor-runs-table');
const rowIds = (page: Page) => table(page).locator('.tr.run').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
const header = (page: Page, column: string) => table(page).locator(`.th[data-column="${column}"]`);
const filters = (page: Page) => page.locator('athanor-runs-filters');

async function rowsAre(page: Page, expected: string[], what: string): Promise<void> {
  await until(async () => JSON.stringify(await rowIds(page)) === JSON.stringify(expected), what).catch(async (error) => {
    throw new Error(`${(error as Error).message}: rows are ${JSON.stringify(await rowIds(page))}, expected ${JSON.stringify(expected)}`);
  });
}

/**
 * Four runs whose final loss orders them c < b < d < a (d failed, before it reached an
 * accuracy): a small lr 0.1 → 0.1, b large lr 0.1 → 0.05, c small lr 0.3 → 0.034, d large
 * lr 0.05 → 0.095.
 */
async function fourRuns(context: BrowserContextInfo): Promise<Record<'a' | 'b' | 'c' | 'd', FixtureRun>> {
  await addCompareFixture(context);
  const a = await startFixtureRun(context, 'alpha', { model: 'small', lr: 0.1 });
  const b = await startFixtureRun(context, 'beta', { model: 'large', lr: 0.1 });
  const c = await startFixtureRun(context, 'gamma', { model: 'small', lr: 0.3, sampling: { top_k: 10, seed: 1 } });
  const d = await startFixtureRun(context, 'delta', { model: 'large', lr: 0.05, fail: true });
  assert.equal([a.status, b.status, c.status, d.status], ['completed', 'completed', 'completed', 'failed']);
  return { a, b, c, d };
}

test('sorted by a metric on the server: the order and the URL survive a reload; filtered by status and by a metric’s range', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    const { a, b, c, d } = await fourRuns(context);
    // As a worker's run is stored (issue 16): its name beside the chip.
    await context.workbench.database.db.updateTable('runs').set({ worker: 'gpu-12' }).where('id', '=', a.id).execute();
    await page.goto(TABLE);
    await table(page).locator('.total').filter({ hasText: '4 runs' }).waitFor();
    // The total is drawn at once, the rows by the virtualizer a frame later (CI saw 0 rows here).
    await until(async () => (await rowIds(page)).length === 4, 'the four rows');
    // Read whole beside a "completed" chip, not cut to "…" (user test).
    const status = table(page).locator(`.tr.run[data-id="${a.id}"] [data-column="status"]`);
    await status.locator('.worker').filter({ hasText: 'gpu-12' }).waitFor();
    assert.ok(await status.evaluate((cell) => cell.scrollWidth <= cell.clientWidth), 'the worker name fits the status cell');
    assert.is(await table(page).locator('.tr.run').first().locator('[data-column="metrics.loss"]').count(), 1, 'a column per metric');
    assert.is(await header(page, 'config.sampling.top_k').count(), 1, 'groups flattened: sampling.top_k');

    // Sort by loss: ascending, then descending.
    await header(page, 'metrics.loss').locator('button').click();
    await rowsAre(page, [c.id, b.id, d.id, a.id], 'rows by loss, lowest first');
    assert.is(queryOf(page).get('sort'), 'metrics.loss:asc');
    await header(page, 'metrics.loss').locator('button').click();
    await rowsAre(page, [a.id, d.id, b.id, c.id], 'rows by loss, highest first');
    assert.is(queryOf(page).get('sort'), 'metrics.loss:desc');
    assert.is(await header(page, 'metrics.loss').getAttribute('aria-sort'), 'descending');
    await snap(context, 'runs-table-sorted');
    assert.equal(await axe(page), []);

    // A reload (or a shared link) shows the same order.
    await page.reload();
    await rowsAre(page, [a.id, d.id, b.id, c.id], 'the order after a reload');
    assert.is(await header(page, 'metrics.loss').getAttribute('aria-sort'), 'descending');

    // Filter by status.
    await filters(page).getByRole('button', { name: 'failed' }).click();
    await rowsAre(page, [d.id], 'only the failed run');
    assert.equal(queryOf(page).getAll('filter'), ['status=failed']);
    await table(page).locator('.total').filter({ hasText: '1 run match' }).waitFor();
    await filters(page).getByRole('button', { name: 'completed' }).click();
    await rowsAre(page, [a.id, d.id, b.id, c.id], 'completed or failed: all four');
    await filters(page).getByRole('button', { name: 'Clear filters' }).click();
    await until(async () => queryOf(page).getAll('filter').length === 0, 'the filters to clear from the URL');

    // A configuration field's value box shows its whole hint (it read "value (a|b: either" cut).
    await filters(page).locator('select#field').selectOption('config.model');
    const hintFits = await filters(page).locator('input[name="value"]').evaluate((input: HTMLInputElement) => {
      const style = getComputedStyle(input);
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = style.font;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return context.measureText(input.placeholder).width <= room;
    });
    assert.ok(hintFits, 'the value placeholder fits its box');
    // A comparison takes a number, and says so (it offered "value or a|b" to every operator).
    await filters(page).locator('select[name="operator"]').selectOption('<');
    assert.is(await filters(page).locator('input[name="value"]').getAttribute('placeholder'), 'number');
    await filters(page).locator('select[name="operator"]').selectOption('=');
    assert.is(await filters(page).locator('input[name="value"]').getAttribute('placeholder'), 'value or a|b');
    // Filter by a metric's range.
    await filters(page).locator('select#field').selectOption('metrics.loss');
    await filters(page).locator('#min').fill('0.04');
    await filters(page).locator('#max').fill('0.099');
    await filters(page).getByRole('button', { name: 'Add filter' }).click();
    await rowsAre(page, [d.id, b.id], 'the runs whose loss is from 0.04 to 0.099');
    assert.equal(queryOf(page).getAll('filter'), ['metrics.loss>=0.04', 'metrics.loss<=0.099']);
    assert.equal(await filters(page).locator('.chip span').allTextContents(), ['loss ≥ 0.04', 'loss ≤ 0.099']);
    // A bound that is no number is refused by name, and nothing changes.
    await filters(page).locator('#min').fill('abc');
    await filters(page).getByRole('button', { name: 'Add filter' }).click();
    await filters(page).getByRole('alert').filter({ hasText: 'loss min: "abc" is not a number' }).waitFor();
    assert.is(queryOf(page).getAll('filter').length, 2);
    await snap(context, 'runs-table-filtered');
    await page.reload();
    await rowsAre(page, [d.id, b.id], 'the metric range after a reload');
  }, { workbench: { watch: true } });
});

test('the column chooser hides and shows columns, kept in the URL; two runs selected open side by side', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    const { b, d } = await fourRuns(context);
    await page.goto(`${TABLE}?sort=metrics.loss:asc`);
    await header(page, 'config.model').waitFor();
    await table(page).locator('athanor-runs-columns summary').click();
    const chooser = table(page).locator('athanor-runs-columns');
    assert.ok(await chooser.locator('input[data-column="run"]').isDisabled(), 'the run column always shows');
    await chooser.locator('input[data-column="config.model"]').uncheck();
    await chooser.locator('input[data-column="startedAt"]').uncheck();
    await header(page, 'config.model').waitFor({ state: 'detached' });
    assert.is(await header(page, 'startedAt').count(), 0);
    const columns = queryOf(page).get('columns')!.split(',');
    assert.not.ok(columns.includes('config.model') || columns.includes('startedAt'), columns.join(','));
    assert.ok(columns.includes('metrics.loss'));
    await snap(context, 'runs-table-columns');
    await page.keyboard.press('Escape');
    await page.reload();
    await header(page, 'metrics.loss').waitFor();
    assert.is(await header(page, 'config.model').count(), 0, 'still hidden after a reload');
    assert.is(await header(page, 'config.lr').count(), 1);
    await table(page).locator('athanor-runs-columns summary').click();
    await chooser.getByRole('button', { name: 'All' }).click();
    await header(page, 'config.model').waitFor();
    assert.is(queryOf(page).get('columns'), null, 'all columns: nothing in the URL');
    await page.keyboard.press('Escape');

    // Select two runs: Compare opens them side by side.
    const compare = table(page).locator('.compare');
    assert.ok(await compare.isDisabled(), 'Compare waits for two runs');
    await table(page).locator(`.tr.run[data-id="${d.id}"] input[type="checkbox"]`).check();
    await table(page).locator(`.tr.run[data-id="${b.id}"] input[type="checkbox"]`).check();
    await table(page).getByText('2 selected').waitFor();
    await table(page).getByRole('link', { name: 'Compare 2 runs' }).click();
    await page.waitForURL(`**/compare?runs=${d.id},${b.id}`);
    await page.locator('athanor-compare table.metrics').waitFor();
    await page.goBack();
    await table(page).locator('.tr.run').first().waitFor();
  }, { workbench: { watch: true } });
});

test('read a page at a time through the cursor, the rest as the table reaches its end', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    const { a, b, c, d } = await fourRuns(context);
    const pages: string[] = [];
    page.on('request', (request) => void (/\/api\/experiments\/[^/]+\/runs/.test(request.url()) && pages.push(request.url())));
    await page.goto(`${TABLE}?sort=metrics.loss:asc`);
    await rowsAre(page, [c.id, b.id, d.id, a.id], 'a first page of 50');
    await page.evaluate(() => document.querySelector('athanor-app')!.shadowRoot!.querySelector('athanor-runs-table')!.setAttribute('page-size', '1'));
    const more = table(page).getByRole('button', { name: 'Load more' });
    for (let i = 0; i < 4 && (await table(page).locator('.more').textContent())!.includes('of 4') && !(await table(page).getByText('4 of 4 shown').count()); i++) {
      if (await more.count()) await more.click().catch(() => {}); // it may have loaded by itself as the end came into view
      await page.waitForTimeout(100);
    }
    await table(page).getByText('4 of 4 shown').waitFor();
    await rowsAre(page, [c.id, b.id, d.id, a.id], 'the same order, page by page');
    assert.ok(pages.filter((url) => url.includes('cursor=')).length >= 3, `pages read with the cursor: ${pages.join(' ')}`);
    assert.is(await more.count(), 0, 'nothing more to load');
  }, { workbench: { watch: true } });
});

test('reached from the source pane, live: a run started while the table shows appears, runs and completes with its metrics', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await addCompareFixture(context);
    const first = await startFixtureRun(context, 'first', { lr: 0.2, steps: 5 });
    // Reached from the experiment's source pane.
    await page.goto(`/source/${EXPERIMENT}`);
    await page.locator('athanor-source-pane').getByRole('link', { name: 'Runs', exact: true }).click();
    await page.waitForURL(`**${TABLE}`);
    await rowsAre(page, [first.id], 'the one run');
    const later = await startFixtureRun(context, 'later', { lr: 0.1, steps: 40, delay_ms: 75 }, { wait: false });
    const row = table(page).locator(`.tr.run[data-id="${later.id}"]`);
    await row.locator('athanor-status-badge[status="running"]').waitFor({ timeout: 30_000 });
    await table(page).locator('.total').filter({ hasText: '2 runs' }).waitFor();
    // Its loss moves while it runs.
    const loss = row.locator('[data-column="metrics.loss"]');
    const before = await until(async () => ((await loss.textContent())?.trim() || '—') !== '—' && (await loss.textContent())!.trim(), 'a first loss', 20_000);
    await until(async () => (await loss.textContent())!.trim() !== before, 'the loss to move on', 20_000);
    await row.locator('athanor-status-badge[status="completed"]').waitFor({ timeout: 30_000 });
    assert.is((await row.locator('[data-column="metrics.accuracy"]').textContent())!.trim(), '0.65');
  }, { workbench: { watch: true } });
});

test('1280 px wide: every column reachable from the table’s own box, a filtered header readable, the chooser named, a failed chip flat', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await fourRuns(context);
    await page.goto(`${TABLE}?filter=${encodeURIComponent('metrics.loss>0')}`);
    await table(page).locator('.total').filter({ hasText: '4 runs match' }).waitFor();
    assert.ok((await sideways(page)) <= 0, `the page scrolls ${await sideways(page)} px sideways`);
    const box = table(page).locator('.scroll');
    const inBox = async (column: string) => {
      const [outer, cell] = [await box.boundingBox(), await header(page, column).boundingBox()];
      return Boolean(outer && cell && cell.x >= outer.x - 1 && cell.x + cell.width <= outer.x + outer.width + 1);
    };
    assert.not.ok(await inBox('metrics.loss'), 'wider than 1280 px: the last metric starts out of view');

    // The table says what is out of view, and its buttons get there (no sideways wheel, no scrollbar shown).
    const bar = table(page).locator('.sideways');
    assert.match((await bar.textContent())!, /Out of view: \d+ columns to the right/);
    const right = bar.getByRole('button', { name: 'Scroll right →' });
    for (let i = 0; i < 6 && !(await right.isDisabled()); i++) {
      await right.click();
      await page.waitForTimeout(100);
    }
    assert.ok(await inBox('metrics.loss'), 'the last metric in view');
    // The select boxes stay in view, to pick runs by the metrics now shown.
    const check = await table(page).locator('.tr.run input[type="checkbox"]').first().boundingBox();
    const outer = await box.boundingBox();
    assert.ok(check && outer && check.x >= outer.x - 1, `the first row's select box at x ${check?.x}, its box from ${outer?.x}`);
    assert.ok(await inBox('metrics.accuracy'));
    assert.match((await bar.textContent())!, /columns? to the left/);
    assert.not.match((await bar.textContent())!, /to the right/);
    await snap(context, 'runs-table-1280-scrolled');
    // Sorting by a column scrolled into view keeps it there (the rows are read again; the box kept its place).
    await header(page, 'metrics.loss').locator('button').click();
    await until(async () => (await header(page, 'metrics.loss').getAttribute('aria-sort')) === 'ascending' && (await rowIds(page)).length === 4, 'sorted by loss');
    await until(() => inBox('metrics.loss'), 'the sorted column still in view');

    // The filtered column's caption keeps its first letters inside its header.
    const caption = await header(page, 'metrics.loss').locator('.kind').boundingBox();
    const cell = await header(page, 'metrics.loss').boundingBox();
    assert.ok(caption && cell && caption.x >= cell.x && caption.x + caption.width <= cell.x + cell.width + 0.5, `the caption (x ${caption?.x}, w ${caption?.width}) inside its header (x ${cell?.x}, w ${cell?.width})`);

    // The column chooser and its group have names.
    const cdp = await context.context.newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[] };
    const unnamed = nodes.filter((n) => !n.ignored && ['group', 'DisclosureTriangle', 'button'].includes(n.role?.value ?? '') && !n.name?.value);
    assert.equal(unnamed.map((n) => n.role?.value), [], 'controls without a name');
    assert.ok(nodes.some((n) => n.role?.value === 'group' && n.name?.value === 'Columns'), 'the chooser is named Columns');

    // Status chips: failed is as flat as completed (a badge in a row, a filter toggle).
    const borders = (selector: string) =>
      table(page).locator(selector).first().evaluate((el) => {
        const target = el.shadowRoot?.querySelector('.badge') ?? el;
        const style = getComputedStyle(target);
        return `${style.borderTopWidth} ${style.borderTopStyle} ${style.boxShadow}`;
      });
    assert.is(await borders('athanor-status-badge[status="failed"]'), await borders('athanor-status-badge[status="completed"]'));
    assert.is(await borders('athanor-runs-filters .status-toggle.failed'), await borders('athanor-runs-filters .status-toggle.completed'));
  }, { workbench: { watch: true } });
});

test('dark and 390 px wide: the table scrolls in its box, the page does not', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await fourRuns(context);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${TABLE}?sort=metrics.accuracy:desc&filter=status%3Dcompleted`);
    await table(page).locator('.total').filter({ hasText: '3 runs match' }).waitFor();
    assert.ok((await sideways(page)) <= 0, `the page scrolls ${await sideways(page)} px sideways`);
    await snap(context, 'runs-table-narrow-dark');
    await table(page).locator('athanor-runs-columns summary').click();
    const panel = await table(page).locator('athanor-runs-columns .panel').boundingBox();
    assert.ok(panel && panel.x >= 0 && panel.x + panel.width <= 390, `the column chooser fits (x ${panel?.x}, width ${panel?.width})`);
    await snap(context, 'runs-table-narrow-dark-columns');
    assert.equal(await axe(page), []);
  }, { colorScheme: 'dark', workbench: { watch: true } });
});

test('a view the server refuses offers the default view (Retry asked the same again); an unknown experiment says so', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await addCompareFixture(context);
    await startFixtureRun(context, 'alpha', { model: 'small', lr: 0.1 });
    // Opened sorted by a metric (after the configuration's columns), that column is in view.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${TABLE}?sort=${encodeURIComponent('metrics.loss:asc')}`);
    await table(page).locator('.tr.run').first().waitFor();
    const seen = await table(page).locator('.scroll').evaluate((box) => {
      const cell = box.querySelector('.th[data-column="metrics.loss"]')!.getBoundingClientRect();
      const view = box.getBoundingClientRect();
      return { cell: [Math.round(cell.left), Math.round(cell.right)], view: [Math.round(view.left), Math.round(view.right)] };
    });
    assert.ok(seen.cell[0]! >= seen.view[0]! && seen.cell[1]! <= seen.view[1]!, `the sorted column at ${seen.cell} in a box at ${seen.view}`);
    await page.goto(`${TABLE}?sort=config.nope:asc`);
    const alert = table(page).getByRole('alert');
    await alert.filter({ hasText: 'This view cannot be shown' }).waitFor();
    assert.is(await alert.getByRole('button', { name: 'Retry' }).count(), 0);
    await alert.getByRole('button', { name: 'Show the default view' }).click();
    await table(page).locator('.tr.run').first().waitFor();
    assert.is(new URL(page.url()).search, '');
    await page.goto('/experiments/by-name/nosuchexp/runs');
    await table(page).getByRole('alert').filter({ hasText: 'There is no experiment named nosuchexp' }).waitFor();
  }, { workbench: { watch: true } });
});

if (chromium) test.run();
