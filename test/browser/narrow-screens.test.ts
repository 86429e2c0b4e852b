import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';
import { addCompareFixture, startFixtureRun } from './compare-helpers.ts';

const chromium = requireChromium('UI in Chromium: layout on a phone-sized and a desktop screen, and the embed page');
const test = suite('UI in Chromium: layout on a phone-sized and a desktop screen, and the embed page');

/** A phone held upright (an iPhone 12 to 15's CSS pixels). */
const PHONE = { width: 390, height: 844 };
/** Screenshots of each page at that size, to look at (test-output/ keeps the suite's own). */
const SHOTS = process.env.ATHANOR_NARROW_SHOTS ?? '/tmp';

/** How far the page scrolls sideways (0: nothing is wider than the window). */
const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

async function assertFits(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `narrow-${name}.png`), fullPage: true });
  const overflow = await sideways(page);
  assert.ok(overflow <= 0, `${name}: the page scrolls ${overflow} px sideways at ${PHONE.width} px`);
}

test('every page is usable 390 px wide: no sideways scroll, log messages readable beside their metadata', async () => {
  await withBrowserWorkbench(async ({ page, api, workbench, context, base }) => {
    await page.setViewportSize(PHONE);
    // Its first log line carries metadata (the run's id and its instance's name): a wide chip.
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'a phone-sized instance', configuration: { mode: 'complete', count: 3 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await workbench.experiments.waitForRun(run.id);

    await page.goto('/experiments');
    await page.locator('athanor-dashboard').getByText('a phone-sized instance').first().waitFor();
    await assertFits(page, 'dashboard');
    const start = await page.getByRole('button', { name: 'Start run of a phone-sized instance' }).boundingBox();
    assert.ok(start && start.x >= 0 && start.x + start.width <= PHONE.width, `Start run is on screen (at x ${start?.x})`);

    await page.goto('/experiments/new?experiment=my_experiment');
    await page.locator('athanor-new-instance #f-iterations, athanor-new-instance athanor-config-form').first().waitFor();
    await page.locator('athanor-config-form input').first().waitFor();
    await assertFits(page, 'new-instance');

    await page.goto(`/experiments/${instance.id}`);
    await page.locator(`athanor-instance-view tr[data-id="${run.id}"]`).waitFor();
    await assertFits(page, 'instance');
    // On a touch screen (no keyboard) the buttons show no key hints: "Start run [r]" is "Start run".
    const touch = await context.browser()!.newContext({ viewport: PHONE, hasTouch: true, isMobile: true, baseURL: base });
    const phone = await touch.newPage();
    await phone.goto(`/experiments/${instance.id}`);
    await phone.locator(`athanor-instance-view tr[data-id="${run.id}"]`).waitFor();
    assert.not.ok(await phone.locator('athanor-instance-view header button kbd').isVisible(), 'no key hint on a phone');
    assert.ok(await page.locator('athanor-instance-view header button kbd').isVisible(), 'the hint with a mouse and keyboard');
    await touch.close();
    // Its runs are cards, every field in view: as a table of eight columns the start time was cut at the edge.
    const runs = page.locator('athanor-instance-view .runs-section .table-scroll');
    const sideways = await runs.evaluate((el) => el.scrollWidth - el.clientWidth);
    assert.ok(sideways <= 1, `the runs do not scroll sideways on a phone (${sideways} px hidden)`);
    assert.ok(await page.locator(`athanor-instance-view tr[data-id="${run.id}"] td[data-label="Started"]`).isVisible());

    await page.goto(`/runs/${run.id}`);
    const line = page.locator('athanor-log-view .line[data-seq="1"]');
    await line.waitFor();
    await assertFits(page, 'run');
    // Each result a card: its value as wide as the results' box, not a few letters beside the key and its time.
    const result = page.locator('athanor-results-panel tr[data-key="r1"]');
    await result.waitFor();
    const widths = await result.evaluate((row) => ({
      box: row.closest('.wrap')!.getBoundingClientRect().width,
      value: row.querySelector('td.value')!.getBoundingClientRect().width,
      keyTop: row.querySelector('td.key')!.getBoundingClientRect().top,
      timeTop: row.querySelector('td.time')!.getBoundingClientRect().top,
      valueTop: row.querySelector('td.value')!.getBoundingClientRect().top,
    }));
    assert.ok(widths.value >= widths.box * 0.9, `the value is ${Math.round(widths.value)} px wide in a box of ${Math.round(widths.box)}`);
    assert.ok(Math.abs(widths.timeTop - widths.keyTop) < 4 && widths.valueTop > widths.keyTop, 'the key and its time on one line, the value under them');
    // The message of a line with metadata shows, not hidden behind the metadata's chip.
    const geometry = await line.evaluate((el) => {
      const message = el.querySelector('.message')!.getBoundingClientRect();
      const meta = el.querySelector('.meta')?.getBoundingClientRect();
      const text = el.querySelector('.message')!;
      const range = document.createRange();
      range.selectNodeContents(text);
      const textWidth = range.getBoundingClientRect().width;
      return { message: { left: message.left, right: message.right, width: message.width }, meta: meta && { left: meta.left, right: meta.right }, textWidth };
    });
    assert.ok(geometry.meta, 'the line has its metadata chip');
    assert.ok(geometry.message.width >= Math.min(geometry.textWidth, 150), `the message is ${Math.round(geometry.message.width)} px wide (its text needs ${Math.round(geometry.textWidth)})`);
    assert.ok(geometry.message.right <= geometry.meta!.left + 1, `the message (to x ${Math.round(geometry.message.right)}) runs under the chip (from x ${Math.round(geometry.meta!.left)})`);
    assert.ok(geometry.meta!.right <= PHONE.width, 'the chip is on screen');

    await page.goto('/source/my_experiment');
    await page.locator('athanor-source-pane .cm-content').first().waitFor();
    await assertFits(page, 'source');

    // The definition's field names stay whole (the table let latency_ms break after "laten").
    // The definition's field names wrap between their words only, on a phone and beside the editor
    // at 1280 px (both broke warmup_learning_rate mid-word), and the page does not scroll sideways.
    await page.goto('/source/long_names_fixture');
    const names = page.locator('athanor-experiment-summary .fields td.name code bdi');
    await names.first().waitFor();
    // Each name's words (the text between its <wbr>s) that are split over two rows: none.
    const lines = () =>
      names.evaluateAll((els) =>
        els.map((el) => {
          const split = [...el.childNodes].filter((node) => {
            if (node.nodeType !== Node.TEXT_NODE || !node.textContent) return false;
            const range = document.createRange();
            range.selectNodeContents(node);
            return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size > 1;
          });
          return `${el.textContent} ${split.length}`;
        }),
      );
    // A group's fields follow it, by their path.
    const whole = ['warmup_learning_rate 0', 'evaluation_batch_size 0', 'tokenizer_name 0', 'optimizer_settings 0', 'optimizer_settings.adam_beta_one_coefficient 0'];
    assert.equal(await lines(), whole, 'no word of a name split at 390 px');
    await assertFits(page, 'source-long-names');
    // The file's name above the editor stays whole beside its buttons (it broke as "train / ing.t / s").
    // (With a save's status beside it, as after saving code that does not load.)
    await page.locator('athanor-source-pane').evaluate((pane) => {
      (pane as HTMLElement & { status: string }).status = 'Saved; it does not load: Syntax error: Unexpected "="';
    });
    const fileName = page.locator('athanor-source-pane .toolbar bdi.file');
    assert.is(await fileName.evaluate((el) => new Set([...el.getClientRects()].map((box) => Math.round(box.top))).size), 1, 'the file name on one line');
    // The status has a row of its own below them, readable (squeezed beside them: "my_experim / ent was…").
    const statusWidth = await page.locator('athanor-source-pane .toolbar .status').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(statusWidth > 250, `the status is ${Math.round(statusWidth)} px wide at 390 px`);
    // The editor's long lines wrap at their own indentation, not at the left edge.
    // (No named functions inside evaluate: tsx's compiled names are not defined in the page.)
    const wrapped = await page.locator('athanor-code-editor .cm-line').filter({ hasText: 'warmup_learning_rate' }).evaluate((line) => {
      // The left edge of each character's box, row by row, from the line's first non-space.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      const rows = new Map<number, number>();
      let start: number | undefined;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let offset = 0; offset < node.textContent!.length; offset++) {
          if (start === undefined && /\s/.test(node.textContent![offset]!)) continue;
          const range = document.createRange();
          range.setStart(node, offset);
          range.setEnd(node, offset + 1);
          const box = range.getBoundingClientRect();
          start ??= box.left;
          const top = Math.round(box.top);
          rows.set(top, Math.min(rows.get(top) ?? Infinity, box.left));
        }
      }
      return { start: start!, rows: [...rows.values()] };
    });
    assert.ok(wrapped.rows.length >= 2, 'the line wraps at 390 px');
    for (const left of wrapped.rows.slice(1)) assert.ok(left >= wrapped.start - 1, `a wrapped row starts at x ${Math.round(left)}, left of its line's indentation (x ${Math.round(wrapped.start)})`);
    // An instance and a run of it, whose group has long keys: the keys wrap between words, the
    // values stay readable, nothing scrolls sideways (the instance page was 518 px wide).
    const longNames = (await api('POST', '/api/instances', { experiment: 'long_names_fixture', name: 'long keys', configuration: {} })).body;
    const longRun = (await api('POST', `/api/instances/${longNames.id}/runs`, {})).body;
    await workbench.experiments.waitForRun(longRun.id);
    for (const [path, name] of [[`/experiments/${longNames.id}`, 'instance-long-names'], [`/runs/${longRun.id}`, 'run-long-names']] as const) {
      await page.goto(path);
      const value = page.getByText('0.9', { exact: true }).first();
      await value.waitFor();
      assert.is(await value.evaluate((el) => el.getClientRects().length), 1, `${name}: 0.9 on one line`);
      await assertFits(page, name);
    }
    await page.goto('/source/long_names_fixture');
    await names.first().waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
    await until(async () => JSON.stringify(await lines()) === JSON.stringify(whole), 'no word of a name split at 1280 px');
  }, { fixtures: ['test/fixtures/ui/long_names_fixture.ts'] });
});

test('a form 390 px wide: labels above their controls, so a list item’s text box is usable; 1280 px keeps them beside', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    const widthOfItem = async () => {
      await page.goto('/experiments/new?experiment=fuzz_fixture');
      await page.getByRole('button', { name: /Add item/ }).click();
      const input = page.locator('athanor-config-form input[id*="items"]').first();
      await input.waitFor();
      return input.evaluate((el) => {
        const label = el.closest('.field')!.querySelector('label')!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return { width: box.width, labelAbove: label.bottom <= box.top + 1 };
      });
    };
    await page.setViewportSize(PHONE);
    const phone = await widthOfItem();
    assert.ok(phone.width >= 150, `the item's text box is ${Math.round(phone.width)} px wide at ${PHONE.width} px (it was 18)`);
    assert.ok(phone.labelAbove, 'its label sits above it');
    await assertFits(page, 'new-instance-list');
    // Pressing "+ Add" again, the focus still in the empty item: its "Required" waits for the click
    // (shown on mousedown, it pushed the button down under the pointer and the click missed).
    await page.getByRole('button', { name: /Add item/ }).click({ delay: 150, position: { x: 12, y: 4 } });
    await until(async () => (await page.locator('athanor-config-form input[id*="items"]').count()) === 2, 'a second item');
    await page.locator('athanor-config-form').getByText('Required').first().waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
    const desktop = await widthOfItem();
    assert.not.ok(desktop.labelAbove, 'at 1280 px the label sits beside it');
  }, { fixtures: ['test/fixtures/http/fuzz_fixture.ts'] });
});

test('a chart 390 px wide: its screen-reader table takes no room, the page does not scroll sideways', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page } = context;
    await page.setViewportSize(PHONE);
    await addCompareFixture(context);
    const run = await startFixtureRun(context, 'a charted run with a long enough name to widen a table', { steps: 30 });
    await page.goto(`/runs/${run.id}`);
    const chart = page.locator('athanor-results-panel figure[data-key="loss"] athanor-chart');
    await chart.locator('canvas').first().waitFor({ timeout: 30_000 });
    const hidden = await chart.evaluate((el) => {
      // (Not uPlot's legend, a table too.)
      const table = el.shadowRoot!.querySelector('table.visually-hidden, .visually-hidden > table')!;
      const box = (table.closest('.visually-hidden') ?? table).getBoundingClientRect();
      return { width: box.width, right: box.right, rows: table.querySelectorAll('tbody tr').length };
    });
    assert.ok(hidden.rows > 0, 'the table is there for screen readers');
    assert.ok(hidden.width <= 1 && hidden.right <= PHONE.width, `the hidden table takes ${hidden.width} px, to x ${hidden.right}`);
    await assertFits(page, 'run-chart');
  }, { workbench: { watch: true } });
});

test('1280 px wide: column names sit over their cells, the run page keeps its gaps, a result key is not broken', async () => {
  await withBrowserWorkbench(async ({ page, api, workbench }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'laid out', configuration: { iterations: 3 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await workbench.experiments.waitForRun(run.id);

    await page.goto('/experiments');
    const dashboard = page.locator('athanor-dashboard');
    await dashboard.getByText('laid out').first().waitFor();
    // The header row's small type once made its em-sized actions column narrower: every name 10–25 px off.
    // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
    const lefts = await dashboard.evaluate((el) =>
      ['.grid-row.head', '.grid-row[data-id]'].map((selector) =>
        [...(el.shadowRoot!.querySelector(selector)?.querySelectorAll(':scope > .cell') ?? [])].map((cell) => Math.round(cell.getBoundingClientRect().left)),
      ),
    ).then(([head, row]) => ({ head: head!, row: row! }));
    assert.is(lefts.head.length, 5);
    assert.equal(lefts.head, lefts.row, 'each column name starts where its cells do');

    await page.goto(`/runs/${run.id}`);
    const key = page.locator('athanor-results-panel td.key').filter({ hasText: 'iteration_1' });
    await key.waitFor();
    await page.locator('athanor-run-record #code-title').waitFor();
    const gap = await page.locator('athanor-run-view').evaluate((view) => {
      const record = view.shadowRoot!.querySelector('athanor-run-record')!.getBoundingClientRect();
      const logs = view.shadowRoot!.querySelector('#logs-title')!.getBoundingClientRect();
      return logs.top - record.bottom;
    });
    assert.ok(gap >= 12, `the Logs heading is ${Math.round(gap)} px below the Code card`);
    // An inline box has one rectangle per line it spans.
    const lines = await key.evaluate((cell) => (cell.querySelector('bdi') ?? cell.firstElementChild ?? cell).getClientRects().length);
    assert.is(lines, 1, `the key iteration_1 is on ${lines} lines`);
  });
});

test('/embed.html without ?run= says what to add, and does not load forever', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await page.goto('/embed.html');
    await page.getByText('Add ?run=RUN_ID to this page').waitFor();
    const view = page.locator('athanor-run-view');
    await until(() => view.evaluate((el) => customElements.get('athanor-run-view') !== undefined && (el as HTMLElement).shadowRoot !== null), 'the element to upgrade');
    await view.evaluate((el) => (el as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete);
    assert.is(await page.getByText('Loading run').count(), 0, 'nothing is loading');
    assert.is(await page.getByText('Add ?run=').count(), 1, 'one message');
    assert.ok(await view.getByText('Add ?run=').isVisible(), 'shown by the element, in its place');
    await page.screenshot({ path: join(SHOTS, 'embed-without-run.png'), fullPage: true });
  });
});

if (chromium) test.run();
