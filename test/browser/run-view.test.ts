import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { axe, requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: the run view');
const view = suite('UI in Chromium: the run view');

/** Creates an instance and starts a run of it through the API; returns the run's id. */
async function startRun(api: BrowserContextInfo['api'], experiment: string, configuration: Record<string, unknown>): Promise<string> {
  const instance = await api('POST', '/api/instances', { experiment, name: `${experiment} ${Date.now()}`, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const run = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(run.status, 201, JSON.stringify(run.body));
  return run.body.id;
}

/** Polls the run until it has ended; returns its record. */
async function finished(api: BrowserContextInfo['api'], runId: string) {
  return until(async () => {
    const run = (await api('GET', `/api/runs/${runId}`)).body;
    return ['completed', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
  }, `run ${runId} to end`, 60_000);
}

const logLines = (page: Page) => page.locator('athanor-log-view .line[data-seq]');
const waitStatus = (page: Page, status: string, timeout = 30_000) =>
  page.locator(`athanor-run-view athanor-status-badge[status="${status}"]`).waitFor({ timeout });

view('a run started from the API completes on its page, with its logs and results', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const runId = await startRun(api, 'my_experiment', { iterations: 5 });
    await page.goto(`/runs/${runId}`);
    await waitStatus(page, 'completed');
    await logLines(page).filter({ hasText: 'Running iteration 5' }).waitFor();
    await page.locator('athanor-results-panel tr[data-key="iteration_5"]').waitFor();
    assert.is(await page.locator('athanor-results-panel tr[data-key]').count(), 5);
    for (const name of ['Export JSON', 'Logs CSV', 'Results CSV']) assert.ok(await page.getByRole('link', { name }).isVisible(), name);
    assert.is(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    await shot('run-view-completed');
    assert.equal(await axe(page), []);
    // A row's metadata and a result's JSON expand in place.
    await page.getByRole('button', { name: 'Collapse value' }).first().click();
    await page.getByRole('button', { name: 'Expand value' }).first().waitFor();
    // Opened once it has ended: its few log lines in a box their size, not 420 px of empty grey.
    await page.reload();
    await logLines(page).filter({ hasText: 'Running iteration 5' }).waitFor();
    const lines = await logLines(page).count();
    const logBox = (await page.locator('athanor-log-view .scroller').boundingBox())!;
    assert.ok(logBox.height <= lines * 20 + 2 && logBox.height >= 60, `a log box of ${logBox.height} px for ${lines} lines`);
    // At 1400 px its facts fit on one row: the last ("Logs · results") was left alone on a second.
    await page.setViewportSize({ width: 1400, height: 900 });
    const tops = await page.locator('athanor-run-view dl').first().locator(':scope > div').evaluateAll((facts) => facts.map((fact) => Math.round(fact.getBoundingClientRect().top)));
    assert.is(tops.length, 8);
    assert.equal([...new Set(tops)].length, 1, `the facts start at ${tops.join(', ')} px`);
    // Which version of its instance it ran (the instance page's Config column said; the run's own page did not).
    const instanceFact = page.locator('athanor-run-view dl').first().locator(':scope > div').first();
    assert.match((await instanceFact.textContent())!.replace(/\s+/g, ' '), /^Instance ?my_experiment \d+ v1$/);
  });
});

/** Clicks a download link; returns the file's suggested name and its text. */
async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: link }).click()]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

view('a run opened by the 8 characters the workbench shows: live on its page, the URL given its full id, each export downloads', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    const runId = await startRun(api, 'kernel_fixture', { mode: 'progress', count: 100_000, delay_ms: 30 });
    await page.goto(`/runs/${runId.slice(0, 8)}`);
    await waitStatus(page, 'running');
    await page.waitForURL(`**/runs/${runId}`);
    await page.getByRole('heading', { name: `Run ${runId.slice(0, 8)}` }).waitFor();
    // Live: the progress moves on (the page follows the run's events).
    const progress = page.locator('athanor-run-view .progress-text');
    await progress.filter({ hasText: /step \d+/ }).waitFor();
    const before = await progress.textContent();
    await until(async () => (await progress.textContent()) !== before, 'the progress to move on');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitStatus(page, 'cancelled');
    const logs = await download(page, 'Logs CSV');
    assert.is(logs.name, `run-${runId}-logs.csv`);
    assert.match(logs.text, /^seq,timestamp,level,message,metadata\r\n1,[^,]+,info,mode progress,/);
    const results = await download(page, 'Results CSV');
    assert.equal([results.name, results.text.split('\r\n')[0]], [`run-${runId}-results.csv`, 'seq,recordedAt,key,value']);
    const json = await download(page, 'Export JSON');
    assert.is(json.name, `run-${runId}.json`);
    const document = JSON.parse(json.text);
    assert.equal([document.run.id, document.run.status, document.experiment.name, document.configuration.mode], [runId, 'cancelled', 'kernel_fixture', 'progress']);
    // Back in history is the page before, not the short URL again.
    assert.is(await page.evaluate(() => (globalThis as any).history.length), 2);
  });
});

view('Cancel on the page stops a long run: it ends cancelled', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const runId = await startRun(api, 'kernel_fixture', { mode: 'progress', count: 100_000, delay_ms: 30 });
    await page.goto(`/runs/${runId}`);
    await waitStatus(page, 'running');
    // The running badge spins, unless the user asked for reduced motion (as the tests' pages do).
    const spin = () => page.locator('athanor-run-view athanor-status-badge[status="running"] .symbol').evaluate((symbol) => getComputedStyle(symbol).animationName);
    assert.is(await spin(), 'none');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    assert.is(await spin(), 'spin');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.locator('athanor-run-view progress[value]').waitFor();
    await page.locator('athanor-run-view .progress-text').filter({ hasText: /step \d+/ }).waitFor();
    const before = await page.locator('athanor-run-view .duration').textContent();
    await until(async () => (await page.locator('athanor-run-view .duration').textContent()) !== before, 'the duration to tick');
    await shot('run-view-running');
    assert.equal(await axe(page), []);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await waitStatus(page, 'cancelled');
    // Why it ended and where it stopped stay in view.
    await page.locator('athanor-run-view .cancel-reason').filter({ hasText: 'Cancelled: cancelled by request' }).waitFor();
    await page.locator('athanor-run-view .progress.stopped').filter({ hasText: /Stopped at\s*\d+\/100000 \(\d+%\)/ }).waitFor();
    await shot('run-view-cancelled');
    assert.equal(await axe(page), []);
    assert.is((await api('GET', `/api/runs/${runId}`)).body.status, 'cancelled');
  });
});

view('a failed run shows its error', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const runId = await startRun(api, 'kernel_fixture', { mode: 'throw' });
    await page.goto(`/runs/${runId}`);
    await waitStatus(page, 'failed');
    await page.getByText('boom from the experiment').first().waitFor();
    await shot('run-view-failed');
  });
});

view('a run that ends before the live stream opens shows its end: the stream resumes from what the page fetched', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    // The tab holds its own stream (no shared worker), held back until the run has ended.
    await page.addInitScript(() => delete (window as { SharedWorker?: unknown }).SharedWorker);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/events**', async (route) => {
      await held;
      await route.continue();
    });
    const runId = await startRun(api, 'kernel_fixture', { mode: 'cooperative', delay_ms: 20 });
    await until(async () => (await api('GET', `/api/runs/${runId}`)).body.status === 'running', 'the run to start', 30_000);
    await page.goto(`/runs/${runId}`);
    await waitStatus(page, 'running'); // fetched while it ran
    assert.is((await api('POST', `/api/runs/${runId}/cancel`)).status, 200);
    await finished(api, runId);
    release(); // the stream opens after the end it must not miss
    await waitStatus(page, 'cancelled', 10_000);
  });
});

view('a run with many logs scrolls with a bounded DOM; the level filter and jump to latest work', async () => {
  await withBrowserWorkbench(async ({ page, api }) => {
    // 10,000 entries: far more than the DOM may hold (under 80 rows), and stored by pg-mem in
    // seconds even on a loaded machine (30,000 took past the minute the test waits at load 13).
    const runId = await startRun(api, 'kernel_fixture', { mode: 'log_many', count: 10_000 });
    const run = await finished(api, runId);
    assert.is(run.logCount, 10_001);
    await page.goto(`/runs/${runId}`);
    // A finished run opens at its end (its outcome), with nothing "paused" to resume.
    await logLines(page).filter({ hasText: 'entry 10000' }).waitFor();
    assert.not.ok(await page.getByRole('button', { name: /Jump to latest/ }).isVisible(), 'no "Jump to latest" at the end');
    assert.not.match(await page.locator('athanor-log-view .toolbar').textContent() ?? '', 'paused');
    const scroller = page.locator('athanor-log-view .scroller');
    assert.is(Math.round((await scroller.boundingBox())!.height), 420, 'a long log keeps the full height');
    let maxRows = 0;
    for (const fraction of [0.1, 0.35, 0.5, 0.8, 1]) {
      await scroller.evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), fraction);
      await page.evaluate(() => new Promise((resolve) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(resolve))));
      const rows = await page.locator('athanor-log-view .line').count();
      maxRows = Math.max(maxRows, rows);
    }
    assert.ok(maxRows < 80, `${maxRows} rows in the DOM for 10,001 entries`);
    await logLines(page).filter({ hasText: 'entry 10000' }).waitFor();
    // Scroll up from the bottom: following pauses; the button brings it back.
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 3));
    await page.getByRole('button', { name: /Jump to latest/ }).click();
    await logLines(page).filter({ hasText: 'entry 10000' }).waitFor();
    // Keyboard: the list is focusable and scrolls with Home.
    await scroller.focus();
    await page.keyboard.press('Home');
    // At once, not by a smooth scroll a render could undo while the view still followed the tail.
    assert.is(await scroller.evaluate((el) => el.scrollTop), 0, 'Home goes to the top at once');
    await logLines(page).filter({ hasText: 'mode log_many' }).waitFor();
    await page.getByRole('button', { name: 'info', exact: true }).click();
    await page.locator('athanor-log-view .count').filter({ hasText: /^0 matching$/ }).waitFor();
  });
});

view('the dark scheme', async () => {
  await withBrowserWorkbench(
    async ({ page, api, shot }) => {
      const runId = await startRun(api, 'my_experiment', { iterations: 4 });
      await page.goto(`/runs/${runId}`);
      await waitStatus(page, 'completed');
      await page.locator('athanor-results-panel tr[data-key="iteration_4"]').waitFor();
      await shot('run-view-dark');
      assert.equal(await axe(page), []);
    },
    { colorScheme: 'dark' },
  );
});

if (chromium) view.run();
