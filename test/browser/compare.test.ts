/**
 * Issue 14 in Chromium: runs side by side — their configuration (changed fields marked,
 * unchanged ones folded), metrics (deltas against a chosen baseline, the best marked),
 * charts, the diff of their code and their logs under one level filter — live while a run
 * still runs.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, axe, requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';
import { addCompareFixture, editFixture, queryOf, sideways, snap, startFixtureRun } from './compare-helpers.ts';

const chromium = requireChromium('UI in Chromium: compare runs');
const test = suite('UI in Chromium: compare runs');

const view = (page: Page) => page.locator('athanor-compare');
const text = async (page: Page, selector: string) => ((await view(page).locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Run a (small, lr 0.1, completed), then the code edited, then run b (large, lr 0.3, failed). */
async function twoRuns(context: BrowserContextInfo) {
  await addCompareFixture(context);
  const a = await startFixtureRun(context, 'small baseline', { model: 'small', lr: 0.1 });
  await editFixture(context);
  const b = await startFixtureRun(context, 'large trial', { model: 'large', lr: 0.3, fail: true });
  assert.equal([a.status, b.status], ['completed', 'failed']);
  return { a, b };
}

test('two runs side by side: changed configuration, metrics with deltas and the best, charts, the code diff, logs under one level filter', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    const { a, b } = await twoRuns(context);
    await page.goto(`/compare?runs=${a.id},${b.id}`);
    await view(page).locator('table.metrics').waitFor();
    assert.is(await page.title(), 'Compare · Athanor');
    // The failed run says why under its name (the status alone said nothing), the whole in its title.
    const why = view(page).locator('table.config th[scope="col"] .run-error');
    assert.is(await why.count(), 1);
    const error = (await context.api('GET', `/api/runs/${b.id}`)).body.error as string;
    assert.match(error, 'diverged');
    assert.is(await why.getAttribute('title'), error);
    assert.is((await why.textContent())?.trim(), error);

    // Configuration: the changed fields first, each value unlike the baseline's highlighted; the rest folded.
    const changed = await view(page).locator('table.config tr.changed').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    assert.equal(changed.sort(), ['fail', 'lr', 'model']);
    assert.is(await view(page).locator('tr[data-field="lr"] td.differs').count(), 1, "only b's value is highlighted");
    assert.match(await text(page, 'tr[data-field="lr"] td.differs'), '0.3');
    assert.is(await view(page).locator('table.config tr.unchanged').count(), 0, 'unchanged fields folded');
    const fold = view(page).getByRole('button', { name: '4 unchanged' });
    await fold.click();
    assert.is(await view(page).locator('table.config tr.unchanged').count(), 4);
    assert.is(await view(page).getByRole('button', { name: 'Hide 4 unchanged' }).getAttribute('aria-expanded'), 'true');

    // Metrics: b's loss is lower (better: a loss goes down), a has an accuracy and b none.
    const loss = view(page).locator('tr[data-metric="loss"]');
    assert.match(await loss.locator('th').textContent() ?? '', 'lower is better');
    assert.is(await loss.locator('td.best').getAttribute('data-run'), b.id);
    assert.match((await loss.locator(`td[data-run="${b.id}"]`).textContent())!.replace(/\s+/g, ' '), /0\.01724 ★ best −0\.08276 \(−82\.8%\)/);
    assert.match(await loss.locator(`td[data-run="${a.id}"]`).textContent() ?? '', 'baseline');
    const accuracy = view(page).locator('tr[data-metric="accuracy"]');
    assert.is(await accuracy.locator('td.best').getAttribute('data-run'), a.id);
    assert.match(await accuracy.locator(`td[data-run="${b.id}"]`).textContent() ?? '', '—');

    // Other results (not numbers): a's summary object, — for b, which failed before it recorded one.
    const summary = view(page).locator('table.results tr[data-key="summary"] td');
    assert.equal((await summary.allTextContents()).map((cell) => cell.trim()), ['{"model":"small","lr":0.1}', '—']);

    // Charts: one per numeric series, a line per run in the legend.
    const chart = view(page).locator('figure[data-key="loss"] athanor-chart');
    await chart.locator('canvas').first().waitFor();
    assert.is(await view(page).locator('figure.chart').count(), 1, 'loss is the one numeric series (accuracy has one value)');
    assert.is(await chart.evaluate((el: any) => el.pointCount), 40, 'two lines of 20 points');
    for (const name of ['small baseline', 'large trial']) await chart.getByText(name).first().waitFor();

    // Code: the runs ran different code; the diff of the snapshots shows.
    const diff = view(page).locator('athanor-compare-code athanor-code-diff');
    await diff.getByRole('status').filter({ hasText: '1 change' }).waitFor();
    await diff.locator('.cm-changedLine, .cm-insertedLine, .cm-changedText').first().waitFor();
    await diff.getByText("Runtime.log(ctx, 'info', 'edited since');").first().waitFor();

    // Logs side by side, one level filter for both.
    const logs = view(page).locator('athanor-log-view');
    assert.is(await logs.count(), 2);
    const bLog = view(page).locator(`.log-column[data-run="${b.id}"] athanor-log-view`);
    await bLog.locator('.line .level.error').first().waitFor();
    assert.ok((await bLog.locator('.line .level.info').count()) > 0);
    await snap(context, 'compare-two-runs');
    assert.equal(await axe(page), []);
    const levels = view(page).getByRole('group', { name: 'Levels shown in every log' });
    await levels.getByRole('button', { name: 'info' }).click();
    await levels.getByRole('button', { name: 'debug' }).click();
    for (const log of [bLog, view(page).locator(`.log-column[data-run="${a.id}"] athanor-log-view`)]) {
      await until(async () => (await log.locator('.line .level.info').count()) === 0 && (await log.locator('.line .level.debug').count()) === 0, 'info and debug to go from every log');
      await log.locator('.line .level.warn').first().waitFor();
    }
    await bLog.locator('.line .level.error').first().waitFor();
    assert.is(await logs.first().locator('.levels').count(), 0, "the page's filter replaces each log's own");
    await snap(context, 'compare-logs-filtered');

    // Another baseline: the deltas turn round, and the URL keeps it.
    await view(page).locator('select#baseline').selectOption(b.id);
    await until(async () => queryOf(page).get('baseline') === b.id, 'the baseline in the URL');
    await until(async () => /\+0\.08276 \(\+480%\)/.test((await loss.locator(`td[data-run="${a.id}"]`).textContent())!.replace(/\s+/g, ' ')), "a's delta against b");
    await page.reload();
    await view(page).locator('table.metrics').waitFor();
    assert.is(await view(page).locator('select#baseline').inputValue(), b.id);
  }, { workbench: { watch: true } });
});

test('live: a run still going updates its status, metrics and chart on the page', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await addCompareFixture(context);
    const done = await startFixtureRun(context, 'finished', { lr: 0.2, steps: 10 });
    const going = await startFixtureRun(context, 'going', { lr: 0.1, steps: 200, delay_ms: 50 }, { wait: false });
    await page.goto(`/compare?runs=${done.id},${going.id}`);
    const header = view(page).locator(`table.metrics th[data-run="${going.id}"]`);
    await header.locator('athanor-status-badge[status="running"], athanor-status-badge[status="pending"]').waitFor({ timeout: 30_000 });
    const cell = view(page).locator(`tr[data-metric="loss"] td[data-run="${going.id}"] .value`);
    const first = await until(async () => (await cell.count()) && (await cell.textContent()), 'a first loss', 30_000);
    await header.locator('athanor-status-badge[status="completed"]').waitFor({ timeout: 60_000 });
    assert.is.not(await cell.textContent(), first, 'the loss moved on as the run ran');
    await view(page).locator(`tr[data-metric="accuracy"] td[data-run="${going.id}"] .value`).waitFor();
    // Its line grew with it: 10 points of the finished run, all 200 of this one (under the points asked for).
    await until(async () => (await view(page).locator('figure[data-key="loss"] athanor-chart').evaluate((el: any) => el.pointCount)) === 210, 'the chart to hold both runs whole');
  }, { workbench: { watch: true } });
});

test('three runs at 1280 px: a long message keeps its row beside a compact metadata chip, and opens whole in the inspector', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await addCompareFixture(context);
    const runs = [];
    for (const lr of [0.1, 0.2, 0.3]) runs.push(await startFixtureRun(context, `lr ${lr}`, { lr }));
    await page.goto(`/compare?runs=${runs.map((run) => run.id).join(',')}`);
    const log = view(page).locator(`.log-column[data-run="${runs[1]!.id}"] athanor-log-view`);
    const line = log.locator('.line[data-seq]').filter({ hasText: 'evaluated small on the held-out split' });
    await line.waitFor();
    const seq = await line.getAttribute('data-seq');
    const full = 'evaluated small on the held-out split after 20 steps: the loss settled, no step diverged, and the checkpoint was kept for the next sweep';

    // The message takes nearly the whole row; the chip is compact and keeps its name.
    const widths = await line.evaluate((row) => {
      const box = row.getBoundingClientRect();
      const message = row.querySelector('.message')!.getBoundingClientRect();
      const visible = Math.min(message.right, box.right) - Math.max(message.left, box.left);
      return { row: box.width, message: Math.max(0, visible) };
    });
    assert.ok(widths.row < 480, `a narrow column (the row is ${Math.round(widths.row)} px)`);
    assert.ok(widths.message >= 0.75 * widths.row, `the message shows ${Math.round(widths.message)} px of a ${Math.round(widths.row)} px row`);
    const chip = line.getByRole('button', { name: `Metadata of entry ${seq}`, exact: true });
    assert.ok(await chip.getByText('{…}').isVisible(), 'the chip shows {…}');
    assert.not.ok(await chip.locator('.preview').isVisible(), 'not a preview of the metadata');
    assert.is(await line.locator('.message').getAttribute('title'), full, 'the whole message in a tooltip');
    await view(page).locator('#logs').screenshot({ path: join(SCREENSHOTS, 'compare-logs-three-columns.png') });

    // A click on the message opens the inspector with the whole message and the metadata.
    await line.locator('.message').click();
    const inspector = log.getByRole('region', { name: `Entry ${seq}` });
    await inspector.waitFor();
    assert.is(((await inspector.locator('.message-full').textContent()) ?? '').trim(), full);
    assert.ok(await inspector.locator('athanor-json-tree').isVisible(), 'its metadata beside it');
    await view(page).locator('#logs').screenshot({ path: join(SCREENSHOTS, 'compare-logs-inspector.png') });

    // An entry without metadata opens too, from the keyboard.
    const plain = log.locator('.line[data-seq]').filter({ hasText: 'training small for 20 steps' });
    const plainSeq = await plain.getAttribute('data-seq');
    await plain.locator('.message').focus();
    await page.keyboard.press('Enter');
    await log.getByRole('region', { name: `Entry ${plainSeq}` }).locator('.message-full').filter({ hasText: 'training small for 20 steps' }).waitFor();
    assert.equal(await axe(page), []);
  }, { workbench: { watch: true } });
});

test('four runs at 1280 px: every log column is in its box, none cut off at the right edge', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await addCompareFixture(context);
    const runs = [];
    for (const lr of [0.1, 0.2, 0.3, 0.4]) runs.push(await startFixtureRun(context, `lr=${lr} · latency_ms=100 · augment=true · warmup_steps=250`, { lr }));
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/compare?runs=${runs.map((run) => run.id).join(',')}`);
    await view(page).locator('athanor-log-view .line[data-seq]').first().waitFor();
    const box = await view(page).locator('.logs').evaluate((logs) => {
      const outer = logs.getBoundingClientRect();
      return {
        right: Math.min(outer.right, window.innerWidth),
        scrolls: logs.scrollWidth > logs.clientWidth + 1,
        columns: [...logs.querySelectorAll('.log-column')].map((column) => Math.round(column.getBoundingClientRect().right)),
      };
    });
    assert.is(box.columns.length, 4);
    assert.not.ok(box.scrolls, `the logs scroll sideways (columns end at ${box.columns.join(', ')})`);
    for (const right of box.columns) assert.ok(right <= box.right + 1, `a column ends at ${right} px, past its box's ${Math.round(box.right)} px`);
    assert.ok((await sideways(page)) <= 0, `the page scrolls ${await sideways(page)} px sideways`);
    await view(page).locator('#logs').screenshot({ path: join(SCREENSHOTS, 'compare-logs-four-columns.png') });

    // The headers' long names break between their field=value parts, never inside one.
    const parts = await view(page).locator('table.metrics th[scope="col"] .name-part').evaluateAll((spans) =>
      spans.map((span) => ({ text: span.textContent, lines: Math.round(span.getBoundingClientRect().height / parseFloat(getComputedStyle(span).lineHeight)) })));
    assert.is(parts.length, 16);
    assert.equal(parts.filter((part) => part.lines !== 1), [], 'each part on one line');
    const header = view(page).locator('table.metrics th[scope="col"] .instance').first();
    assert.is(await header.getAttribute('title'), 'lr=0.1 · latency_ms=100 · augment=true · warmup_steps=250');
  }, { workbench: { watch: true } });
});

test('a sweep of prompt_eval over model × latency_ms at 1400 px: each field\'s name stays on one line beside the runs', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    const made = await api('POST', '/api/sweeps', { experiment: 'prompt_eval', name: 'pe', grid: { model: ['small', 'large'], latency_ms: [10, 20] } });
    assert.is(made.status, 201, JSON.stringify(made.body));
    const ids: string[] = made.body.runs.map((run: { id: string }) => run.id);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`/compare?runs=${ids.join(',')}`);
    const names = view(page).locator('table.config th[scope="row"]');
    await names.nth(1).waitFor();
    // Chromium broke "latency_ / ms" at the name's <wbr>, nowrap or not (a user test).
    const lines = await names.evaluateAll((ths) => ths.map((th) => ({ text: th.textContent, lines: Math.round(th.querySelector('code')!.getBoundingClientRect().height / parseFloat(getComputedStyle(th.querySelector('code')!).lineHeight)) })));
    assert.equal(lines.filter((name) => name.lines !== 1), [], JSON.stringify(lines));
    // The baseline's choice shows its run's whole name, id included (it was cut at "… · 081").
    const fit = await view(page).locator('select.baseline').evaluate((select: HTMLSelectElement) => {
      const context = document.createElement('canvas').getContext('2d')!;
      context.font = getComputedStyle(select).font;
      return { text: select.selectedOptions[0]!.text, needs: Math.ceil(context.measureText(select.selectedOptions[0]!.text).width), has: select.clientWidth - 36 };
    });
    assert.ok(fit.needs <= fit.has, `"${fit.text}" needs ${fit.needs} px, the select shows ${fit.has}`);
  }, { fixtures: ['experiments/prompt_eval.ts'] });
});

test('fewer than two runs: the page says what it takes', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await page.goto('/compare?runs=abc');
    await view(page).getByRole('alert').filter({ hasText: 'Compare takes 2 to 20 runs; 1 was given' }).waitFor();
    // A run that is not there is named once ("Not found: run not found: …" said it twice).
    await page.goto('/compare?runs=deadbeef,abcdef12');
    const alert = view(page).getByRole('alert');
    await alert.filter({ hasText: 'not found' }).waitFor();
    assert.is((await alert.textContent())!.trim(), 'Runs not found: "deadbeef", "abcdef12"');
  }, { workbench: { watch: true } });
});

test('dark and 390 px wide: tables and logs scroll in their boxes, the page does not', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    const { a, b } = await twoRuns(context);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/compare?runs=${a.id},${b.id}`);
    await view(page).locator('athanor-compare-code athanor-code-diff').getByRole('status').waitFor();
    await view(page).locator('athanor-log-view .line').first().waitFor();
    assert.ok((await sideways(page)) <= 0, `the page scrolls ${await sideways(page)} px sideways`);
    // What goes on past a box's edge is faded there (scroll-cue.ts), until it is scrolled into view.
    const configuration = view(page).locator('.table-scroll[aria-label="Configuration"]');
    await until(async () => (await configuration.getAttribute('data-more'))?.includes('right'), 'the configuration table to be marked as going on to the right');
    assert.is(await view(page).locator('.logs').getAttribute('data-more'), 'right');
    await configuration.evaluate((box) => box.scrollBy({ left: box.scrollWidth }));
    await until(async () => (await configuration.getAttribute('data-more')) === null, 'the mark to go once the table is scrolled to its end');
    // The header's first cell stays over the field names (it scrolled away under them: "Field" read "ld").
    const [box, corner] = [await configuration.boundingBox(), await configuration.locator('th.corner').boundingBox()];
    assert.ok(box && corner && corner.x >= box.x - 1, `the corner header at x ${corner?.x}, its box at ${box?.x}`);
    await snap(context, 'compare-narrow-dark');
    assert.equal(await axe(page), []);
  }, { colorScheme: 'dark', workbench: { watch: true } });
});

if (chromium) test.run();
