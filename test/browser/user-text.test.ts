import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: long and bidirectional user text');
const test = suite('UI in Chromium: long and bidirectional user text');

/** Unbroken text: no space, no hyphen, nowhere a browser would break it by itself. */
const unbroken = (letter: string, length: number) => letter.repeat(length);
/** Shown as "abcexe.txt" when the override acts: the spoof of a file name. */
const SPOOF = 'abc\u202Etxt.exe';
const NAME_LIMIT = 200; // the longest instance name the API accepts

/** An experiment whose every text is long and unbroken, and whose run logs the spoof. */
const LONG_TEXTS = String.raw`
import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';

const long = (letter: string, length = 5000) => letter.repeat(length);

export function experiment() {
  return Definition.new()
    .name('long_texts')
    .description(long('W'))
    .configuration(ConfigSchema.new()
      .field('choice', 'string', { options: ['short', long('O', 300)], default: 'short', label: long('L', 300), description: long('D') })
      .field('text', 'string', { default: long('T'), description: 'abc\u202Etxt.exe' }));
}

export async function run(ctx: RunContext) {
  Runtime.progress(ctx, 1, 2, long('P'));
  Runtime.log(ctx, 'info', long('M'), { detail: long('V') });
  Runtime.log(ctx, 'warn', 'abc\u202Etxt.exe');
  Runtime.result(ctx, long('K', 300), long('R'));
  throw new Error(long('E'));
}
`;

async function addLongTextsExperiment({ workbench }: BrowserContextInfo): Promise<void> {
  await writeFile(join(workbench.experimentsDir, 'long_texts.ts'), LONG_TEXTS);
  const entry = await until(() => workbench.registry.get('long_texts'), 'long_texts to load', 30_000);
  assert.is(entry.error, undefined, entry.error?.message);
}

/** How far the page scrolls sideways: 0 when nothing is wider than the viewport. */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);

async function assertInViewport(page: Page, locator: Locator, what: string): Promise<void> {
  const { width } = page.viewportSize()!;
  const box = await locator.boundingBox();
  assert.ok(box, `${what} is not rendered`);
  assert.ok(box.x >= 0 && box.x + box.width <= width, `${what} spans x ${Math.round(box.x)}–${Math.round(box.x + box.width)}, past the ${width} px viewport`);
}

interface SpoofReport {
  text: string;
  isolated: boolean;
  /** Left edges of "txt" and "exe" as rendered. */
  txt: number;
  exe: number;
}

/**
 * Every rendered text (through shadow roots) that contains "txt.exe": whether it
 * is isolated from what surrounds it (a <bdi>, or unicode-bidi: isolate on it or an
 * ancestor up to its block), and where "txt" and "exe" are drawn.
 */
function spoofReports(page: Page): Promise<SpoofReport[]> {
  // No named inner functions: tsx would wrap them in a helper the page does not have.
  return page.evaluate(() => {
    const reports: SpoofReport[] = [];
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length > 0) {
      const root = roots.pop()!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        const at = text.indexOf('txt.exe');
        if (at < 0 || !node.parentElement) continue;
        let isolated = false;
        for (let el: Element | null = node.parentElement; el; el = el.parentElement) {
          const style = getComputedStyle(el);
          if (el.localName === 'bdi' || style.unicodeBidi === 'isolate' || style.unicodeBidi === 'plaintext') isolated = true;
          if (isolated || style.display === 'block' || style.display === 'table-cell') break;
        }
        const boxes = [at, at + 4].map((offset) => {
          const range = document.createRange();
          range.setStart(node!, offset);
          range.setEnd(node!, offset + 3);
          return range.getBoundingClientRect();
        });
        const lefts = boxes.map((box) => box.left);
        if (boxes.some((box) => box.width === 0)) continue; // not rendered: in a closed dialog
        reports.push({ text, isolated, txt: lefts[0]!, exe: lefts[1]! });
      }
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return reports;
  });
}

/** The spoofed name shows as written ("txt" left of "exe"), its override visible, isolated from the text around it. */
async function assertSpoofDefused(page: Page, where: string, expected = 1): Promise<void> {
  const reports = await spoofReports(page);
  assert.ok(reports.length >= expected, `${where}: ${reports.length} places show the spoofed text`);
  for (const report of reports) {
    assert.ok(report.isolated, `${where}: ${JSON.stringify(report.text)} is not in a <bdi> or isolated`);
    assert.ok(report.txt < report.exe, `${where}: ${JSON.stringify(report.text)} is drawn as "…exe.txt" (txt at ${report.txt}, exe at ${report.exe})`);
    assert.not.match(report.text, '\u202E', `${where}: the override character acts instead of showing`);
  }
}

test('5,000-character descriptions and a 200-character name keep every page the viewport wide, buttons in view', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page, api, shot } = context;
    await addLongTextsExperiment(context);
    const created = await api('POST', '/api/instances', {
      experiment: 'long_texts',
      name: unbroken('N', NAME_LIMIT),
      description: unbroken('D', 5000),
      configuration: {},
    });
    assert.is(created.status, 201, JSON.stringify(created.body));
    const instance = created.body;

    await page.goto('/experiments/new?experiment=long_texts');
    await page.locator('athanor-new-instance athanor-config-form #f-choice').waitFor({ timeout: 90_000 });
    await shot('long-text-new-instance');
    assert.is(await sidewaysOverflow(page), 0, 'the new-instance page scrolls sideways');

    await page.goto('/experiments');
    const dashboard = page.locator('athanor-dashboard');
    await dashboard.getByRole('link', { name: instance.name, exact: true }).waitFor();
    await shot('long-text-dashboard');
    assert.is(await sidewaysOverflow(page), 0, 'the dashboard scrolls sideways');
    await assertInViewport(page, dashboard.getByRole('button', { name: `Start run of ${instance.name}` }), 'Start run');
    await assertInViewport(page, dashboard.getByRole('link', { name: `Edit the configuration of ${instance.name}` }), 'Edit');

    await page.goto(`/experiments/${instance.id}`);
    const view = page.locator('athanor-instance-view');
    await view.getByRole('heading', { name: instance.name, level: 1 }).waitFor();
    for (const name of ['▶ Start run', 'Edit configuration', 'Clone', 'Delete']) {
      await assertInViewport(page, view.getByRole('button', { name, exact: true }), name);
    }
    await view.getByRole('button', { name: '▶ Start run', exact: true }).click();
    await view.locator('athanor-status-badge[status="failed"]').waitFor({ timeout: 60_000 });
    await shot('long-text-instance-view');
    assert.is(await sidewaysOverflow(page), 0, 'the instance page scrolls sideways');

    const run = (await api('GET', `/api/instances/${instance.id}/runs`)).body.items[0];
    await page.goto(`/runs/${run.id}`);
    await page.locator('athanor-log-view .line[data-seq]').nth(1).waitFor();
    await page.locator('athanor-results-panel tr[data-key]').waitFor();
    await shot('long-text-run-view');
    assert.is(await sidewaysOverflow(page), 0, 'the run page scrolls sideways');

    await page.goto('/source/long_texts');
    await page.locator('athanor-source-pane .cm-content').waitFor();
    await shot('long-text-source-pane');
    assert.is(await sidewaysOverflow(page), 0, 'the source page scrolls sideways');
  }, { workbench: { watch: true } });
});

test('a right-to-left override in a name, a description or a log shows as written, isolated', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page, api, shot } = context;
    await addLongTextsExperiment(context);
    const instance = (await api('POST', '/api/instances', { experiment: 'long_texts', name: SPOOF, description: `see ${SPOOF} here`, configuration: {} })).body;

    await page.goto('/experiments');
    await page.locator('athanor-dashboard a.name').first().waitFor({ timeout: 90_000 });
    await assertSpoofDefused(page, 'the dashboard', 2);
    await shot('bidi-dashboard');

    await page.goto(`/experiments/${instance.id}`);
    const view = page.locator('athanor-instance-view');
    await view.locator('h1').waitFor();
    await view.getByRole('button', { name: '▶ Start run', exact: true }).click();
    await view.locator('athanor-status-badge[status="failed"]').waitFor({ timeout: 60_000 });
    await assertSpoofDefused(page, 'the instance page', 3);
    await shot('bidi-instance-view');

    const run = (await api('GET', `/api/instances/${instance.id}/runs`)).body.items[0];
    await page.goto(`/runs/${run.id}`);
    await page.locator('athanor-log-view .line[data-seq]').nth(1).waitFor();
    await assertSpoofDefused(page, 'the run page');
    await shot('bidi-run-view');

    await page.goto('/experiments/new?experiment=long_texts');
    await page.locator('athanor-new-instance athanor-config-form #f-text').waitFor();
    await assertSpoofDefused(page, 'the new-instance page');
  }, { workbench: { watch: true } });
});

if (chromium) test.run();
