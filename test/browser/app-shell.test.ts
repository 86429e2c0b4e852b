import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: the app shell, routing and embedding');
const shell = suite('UI in Chromium: the app shell, routing and embedding');

/** Creates an instance of my_experiment and runs it to completion through the API. */
async function completedRun(api: (method: string, path: string, body?: unknown) => Promise<{ body: any }>) {
  const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'embedded', configuration: { iterations: 3 } })).body;
  const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
  await until(async () => (await api('GET', `/api/runs/${run.id}`)).body.status === 'completed', 'the run to complete');
  return run.id as string;
}

shell('links route inside the page without reloading it; unknown paths say so', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Experiments', exact: true }).waitFor();
    await page.evaluate(() => ((globalThis as any).__marker = 'same page'));
    await nav.getByRole('link', { name: 'Experiments', exact: true }).click();
    await page.waitForURL('**/source');
    await nav.getByRole('link', { name: 'Instances', exact: true }).click();
    await page.waitForURL('**/experiments');
    assert.is(await page.evaluate(() => (globalThis as any).__marker), 'same page', 'no page load between views');
    await page.goBack();
    await page.waitForURL('**/source');
    await page.goto('/nowhere/at/all');
    await page.getByText('There is no page at').waitFor();
    assert.is(await page.title(), 'Not found · Athanor');
    // From source through Vite, as when working on athanor's own UI (the other suites use the built UI users get).
  }, { ui: 'dev' });
});

shell('? lists the keyboard shortcuts and Esc closes the list', async () => {
  await withBrowserWorkbench(async ({ page, shot }) => {
    await page.goto('/experiments');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Instances', exact: true }).waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    for (const action of ['New instance', 'Start a run', 'Close the dialog']) assert.ok(await dialog.getByText(action).isVisible(), action);
    await shot('shortcuts-dialog');
    assert.equal(await axe(page), []);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});

shell('the embed page shows a live run view inside a plain page', async () => {
  await withBrowserWorkbench(async ({ page, api, shot }) => {
    const runId = await completedRun(api);
    await page.goto(`/embed.html?run=${runId}`);
    await page.getByText('A page that is not Athanor').waitFor();
    await page.locator('athanor-run-view').getByText('completed').first().waitFor();
    await shot('embed-page');
  });
});

shell('a page on another origin embeds the run view with one script tag when the workbench allows its origin', async () => {
  let html = '';
  const other = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  // "localhost" and "127.0.0.1" are different origins (and different sites for cookies).
  const origin = `http://localhost:${(other.address() as AddressInfo).port}`;
  try {
    await withBrowserWorkbench(
      async ({ page, api, base }) => {
        const runId = await completedRun(api);
        html = `<!doctype html><html lang="en"><head><title>Team dashboard</title>
          <script type="module" src="${base}/athanor-ui.js"></script></head>
          <body><h1>Team dashboard</h1><athanor-run-view api="${base}" run-id="${runId}"></athanor-run-view></body></html>`;
        await page.goto(`${origin}/`);
        await page.locator('athanor-run-view').getByText('completed').first().waitFor();
        await page.locator('athanor-run-view').getByText('Running iteration 3').waitFor();
      },
      { server: { allowedOrigins: [origin] } },
    );
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

if (chromium) shell.run();
