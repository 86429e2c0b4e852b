import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';

const chromium = requireChromium('UI in Chromium: the experiment source pane');
const pane = suite('UI in Chromium: the experiment source pane');

const editorContent = (page: Page) => page.locator('athanor-source-pane athanor-code-editor .cm-content');
const line = (page: Page, text: string) => page.locator('athanor-code-editor .cm-line', { hasText: text }).first();

async function openSource(page: Page, name: string): Promise<void> {
  page.setDefaultTimeout(15_000);
  await page.goto(`/source/${name}`);
  await editorContent(page).waitFor();
  await page.locator('athanor-experiment-summary').getByRole('heading', { name: 'Definition' }).waitFor();
}

/** Puts the cursor on the line holding `text` and selects that line's text (not its indentation). */
async function selectLine(page: Page, text: string): Promise<void> {
  await line(page, text).click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
}

/** The element that has the focus, through shadow roots. */
const deepActive = (page: Page) =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active ? `${active.tagName.toLowerCase()}.${[...active.classList].join('.')}` : '';
  });

/** The contrast ratio (WCAG) of a button's text on its background as seen over the page's background `under` (its opacity applied). */
async function seenContrast(page: Page, name: string, under: [number, number, number]): Promise<number> {
  // Read in the page, computed here (a helper function inside evaluate() would need tsx's __name there).
  const { color, background, opacity } = await page
    .getByRole('button', { name, exact: true })
    .evaluate((button) => ({ color: getComputedStyle(button).color, background: getComputedStyle(button).backgroundColor, opacity: Number(getComputedStyle(button).opacity) }));
  const seen = (value: string) => value.match(/[\d.]+/g)!.slice(0, 3).map((c, i) => Number(c) * opacity + under[i]! * (1 - opacity));
  const luminance = (colour: number[]) => {
    const [r, g, b] = colour.map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [a, b] = [luminance(seen(color)), luminance(seen(background))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

pane('dark theme, an instance whose code changed since its last run', async () => {
  await withBrowserWorkbench(
    async ({ page, shot, api }) => {
      const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'baseline', configuration: { iterations: 2 } })).body;
      const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
      await openSource(page, 'my_experiment');
      // A disabled Save still reads in the dark (it was dark blue-grey on grey-blue: 2.7 to 1).
      assert.ok(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled());
      const contrast = await seenContrast(page, 'Save', [15, 18, 22]);
      assert.ok(contrast >= 4.5, `disabled Save's contrast is ${contrast.toFixed(2)} to 1`);
      const instances = page.locator('athanor-experiment-instances');
      await instances.getByRole('link', { name: 'baseline' }).waitFor();
      await instances.getByText('completed').waitFor();
      assert.ok(await instances.getByRole('link', { name: new RegExp(`Run ${run.id.slice(0, 8)}`) }).isVisible());
      assert.is(await instances.getByText('code changed since its last run').count(), 0);
      // Change the code: the instance says its last run ran older code.
      await line(page, 'Your experiment logic here').click();
      await page.keyboard.press('End');
      await page.keyboard.insertText(' (edited)');
      await page.keyboard.press('Control+s');
      await instances.getByText('code changed since its last run').waitFor();
      const background = await page.locator('athanor-code-editor .cm-editor').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.is(background, 'rgb(15, 18, 22)', 'the editor follows the dark theme');
      await shot('source-pane-dark');
      assert.equal(await axe(page), []);
    },
    { colorScheme: 'dark' },
  );
});

pane('edit a source, save with Ctrl-S and see the form change in place; a syntax error shows at its line and clears', async () => {
  await withBrowserWorkbench(async ({ page, shot, api }) => {
    await openSource(page, 'my_experiment');
    const editor = page.locator('athanor-code-editor');
    // CodeMirror's styles are mounted in the shadow root: line numbers in a flex gutter, highlighted tokens.
    assert.is(await editor.locator('.cm-gutters').evaluate((g) => getComputedStyle(g).display), 'flex');
    assert.ok(await editor.locator('.cm-lineNumbers .cm-gutterElement').count() > 10, 'line numbers');
    const keyword = editor.locator('.cm-line span', { hasText: /^export$/ }).first();
    assert.not.equal(await keyword.evaluate((s) => getComputedStyle(s).color), await editor.locator('.cm-content').evaluate((c) => getComputedStyle(c).color), 'keywords are highlighted');
    assert.is(await editorContent(page).getAttribute('aria-label'), 'Source of my_experiment.ts');
    // Long lines wrap in the pane rather than scroll their start out of view (user test).
    assert.match(await editorContent(page).evaluate((c) => getComputedStyle(c).whiteSpace), /^(pre-wrap|break-spaces)$/);
    const save = page.getByRole('button', { name: 'Save', exact: true });
    assert.ok(await save.isDisabled(), 'Save is disabled while unchanged');
    await shot('source-pane-light');
    assert.equal(await axe(page), []);

    const form = page.locator('athanor-experiment-summary athanor-config-form');
    await form.evaluate((el) => ((el as any).__sameElement = true));
    assert.is(await form.getByRole('spinbutton', { name: /Iterations/ }).getAttribute('max'), '100');

    // Type: iterations' max becomes 500, and a new field `seed` appears before it.
    await line(page, 'max: 100,').click();
    await page.keyboard.press('End');
    for (let i = 0; i < '100,'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.type('500,');
    await selectLine(page, "return ConfigSchema.new().field('iterations'");
    await page.keyboard.insertText("return ConfigSchema.new().field('seed', 'integer', { default: 7, label: 'Seed' }).field('iterations', 'integer', {");
    await page.locator('athanor-source-pane .dirty').waitFor();
    assert.ok(await save.isEnabled());
    await page.keyboard.press('Control+s');
    await page.locator('athanor-source-pane [role=status]', { hasText: 'Saved and reloaded' }).waitFor();
    await form.getByRole('spinbutton', { name: /Seed/ }).waitFor();
    assert.is(await form.getByRole('spinbutton', { name: /Iterations/ }).getAttribute('max'), '500');
    assert.ok(await form.evaluate((el) => (el as any).__sameElement === true), 'the form updated in place');
    assert.is(await page.locator('athanor-source-pane .dirty').count(), 0);
    assert.match((await api('GET', '/api/experiments/my_experiment/source')).body.source, /max: 500/);

    // A syntax error: saved, shown at its line, then fixed.
    await line(page, 'Runtime.complete(ctx);').click();
    await page.keyboard.press('End');
    await page.keyboard.insertText(' const = oops;');
    await page.keyboard.press('Control+s');
    const panel = page.locator('athanor-source-pane .load-error');
    await panel.waitFor();
    const errorLine = Number((await panel.getByRole('button', { name: /Go to line/ }).textContent())!.match(/\d+/)![0]);
    const marked = editor.locator('.cm-line.cm-athanor-error-line');
    await marked.first().waitFor();
    const markedNumber = await marked.first().evaluate((el) => [...el.parentElement!.children].filter((c) => c.classList.contains('cm-line')).indexOf(el) + 1);
    assert.is(markedNumber, errorLine, 'the marked line is the error line');
    await editor.locator('.cm-gutter-lint .cm-lint-marker-error').waitFor({ state: 'attached' });
    assert.match((await marked.first().textContent()) ?? '', /const = oops/, 'the error is on the line typed');
    assert.match(await panel.textContent() ?? '', /ERR_SYNTAX/);
    // The definition shown is the last that loaded; its code version is the file's now, said so (user test).
    await page.locator('athanor-experiment-summary').getByText('(the file now: it does not load)').waitFor();
    assert.ok(await save.isDisabled());
    await shot('source-pane-error');
    assert.equal(await axe(page), []);

    await editorContent(page).focus();
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+s');
    await panel.waitFor({ state: 'detached' });
    assert.is(await marked.count(), 0);
  });
});

pane('Esc then Tab leaves the editor; Tab alone indents', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await openSource(page, 'my_experiment');
    await line(page, 'Runtime.complete(ctx);').click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    assert.match(await deepActive(page), /^div\.cm-content/, 'Tab indents inside the editor');
    await page.locator('athanor-source-pane .dirty').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.not.match(await deepActive(page), /cm-content/, 'Esc then Tab moves the focus on');
    assert.ok(await page.locator('athanor-code-editor').getByText('leaves the editor').isVisible(), 'the hint says how');
  });
});

pane('a new experiment from the template, and an unknown one says not found', async () => {
  await withBrowserWorkbench(async ({ page, shot }) => {
    page.setDefaultTimeout(15_000);
      await page.goto('/source');
    await page.getByRole('button', { name: 'New experiment' }).click();
    await page.getByLabel('File name').fill('my_study.ts');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/source/my_study');
    await line(page, "name('my_study')").waitFor();
    await page.locator('athanor-experiment-list').getByRole('link', { name: /my_study/ }).waitFor();
    assert.is(await page.locator('athanor-experiment-list [aria-current=page]').textContent().then((t) => t?.includes('my_study')), true);
    await page.locator('athanor-experiment-instances').getByRole('link', { name: 'New instance' }).waitFor();
    await shot('source-pane-new-experiment');

    await page.goto('/source/nope');
    await page.getByText('There is no experiment called').waitFor();
  });
});

pane('Ctrl-S while the file changed on disk does not save over it: the user chooses first', async () => {
  await withBrowserWorkbench(async ({ page, workbench, shot }) => {
    await openSource(page, 'my_experiment');
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    await selectLine(page, '.description(');
    await page.keyboard.insertText(".description('Changed by me')");
    await page.locator('athanor-source-pane .dirty').waitFor();
    const disk = (await readFile(file, 'utf8')).replace(/\.description\([^)]*\)/, ".description('Changed on disk')");
    await writeFile(file, disk);
    const conflict = page.locator('athanor-source-pane .conflict');
    await conflict.waitFor();
    await page.keyboard.press('Control+s');
    await page.getByText('Not saved: choose Reload or Keep mine.').waitFor();
    assert.is(await readFile(file, 'utf8'), disk, 'the file on disk is left as it is');
    // What differs, before choosing: the editor's text against the disk's.
    await conflict.getByRole('button', { name: 'Show changes' }).click();
    const diff = page.locator('athanor-source-pane athanor-code-diff');
    await diff.locator('.cm-content', { hasText: "Changed on disk" }).first().waitFor();
    assert.ok(await diff.locator('.cm-content', { hasText: 'Changed by me' }).count() > 0, 'both texts are in the diff');
    assert.is(await conflict.getByRole('button', { name: 'Hide changes' }).getAttribute('aria-expanded'), 'true');
    await shot('source-pane-conflict');
    await conflict.getByRole('button', { name: 'Keep mine' }).click();
    assert.is(await diff.count(), 0, 'the diff goes with the banner');
    await line(page, 'Changed by me').click();
    await page.keyboard.press('Control+s');
    await page.getByText('Saved and reloaded.').waitFor();
    assert.match(await readFile(file, 'utf8'), /Changed by me/);
    // Deleted: the status says so whole, up to what becomes of the text (it was cut after "gone").
    await rm(file);
    const status = page.locator('athanor-source-pane .status', { hasText: 'was removed' });
    await status.waitFor();
    assert.ok(await status.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1), 'the status is not cut');
    assert.match((await status.textContent())!, /Your text stays here until you leave\.$/);
  }, { workbench: { watch: true } }); // the file is changed on disk: the watcher tells the page
});

if (chromium) pane.run();
