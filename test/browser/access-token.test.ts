import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';

const chromium = requireChromium('UI in Chromium: opening a workbench that needs its token');
const access = suite('UI in Chromium: opening a workbench that needs its token');
const TOKEN = 'tok-3f9a';
const offLoopback = { server: { host: '0.0.0.0', token: TOKEN } };

/** An instance made through the API, so the page has something to show only the API can tell it. */
async function anInstance(api: BrowserContextInfo['api'], name: string): Promise<void> {
  const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name }, { authorization: `Bearer ${TOKEN}` });
  assert.is(created.status, 201, JSON.stringify(created.body));
}

const instanceListed = (page: Page, name: string) =>
  page.locator('athanor-dashboard').getByRole('link', { name, exact: true }).waitFor({ timeout: 90_000 });

access('the printed URL opens the workbench and the token leaves the address bar', async () => {
  await withBrowserWorkbench(async ({ page, api, base }) => {
    await anInstance(api, 'Visible with the token');
    await page.goto(`${base}/experiments?token=${TOKEN}`);
    assert.is(page.url(), `${base}/experiments`);
    await instanceListed(page, 'Visible with the token');
    // A stale cookie from a workbench that ran on this port before does not hide the new link.
    await page.context().addCookies([{ name: `athanor_token_${new URL(base).port}`, value: 'before-a-restart', url: base }]);
    await page.goto(`${base}/experiments?token=${TOKEN}`);
    await instanceListed(page, 'Visible with the token');
    assert.is(page.url(), `${base}/experiments`);
  }, offLoopback);
});

access('a link with the token, followed from another site, opens the workbench', async () => {
  let html = '';
  const other = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    await withBrowserWorkbench(async ({ page, api, base }) => {
      await anInstance(api, 'Shared by a link');
      html = `<!doctype html><html lang="en"><title>Chat</title><a href="${base}/experiments?token=${TOKEN}">the workbench</a></html>`;
      // "localhost" and "127.0.0.1" are different sites.
      await page.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
      await page.getByRole('link', { name: 'the workbench' }).click();
      await instanceListed(page, 'Shared by a link');
      assert.is(page.url(), `${base}/experiments`);
    }, offLoopback);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

if (chromium) access.run();
