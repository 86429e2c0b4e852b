import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: what other pages can do with the dev server');
const exposure = suite('UI in Chromium: what other pages can do with the dev server');

/** A page on another port of this machine, as any other local tool or dev server would serve. */
async function otherLocalPage(): Promise<{ server: Server; origin: string; serve(html: string): void }> {
  let html = '';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, serve: (text) => void (html = text) };
}

/**
 * Vite's launch-editor runs `LAUNCH_EDITOR` with the file: this "editor" leaves a marker, so
 * the test sees whether any request made the workbench open an editor.
 */
async function withEditorSpy<T>(fn: (opened: () => boolean) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-editor-'));
  const marker = join(dir, 'opened');
  const editor = join(dir, 'editor.sh');
  await writeFile(editor, `#!/bin/sh\necho "$1" >> '${marker}'\n`);
  await chmod(editor, 0o755);
  const before = process.env.LAUNCH_EDITOR;
  process.env.LAUNCH_EDITOR = editor;
  try {
    return await fn(() => existsSync(marker));
  } finally {
    if (before === undefined) delete process.env.LAUNCH_EDITOR;
    else process.env.LAUNCH_EDITOR = before;
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What the workbench answered, seen from the server (the browser hides the status of a
 * response it blocks): Node's `http.server.response.finish` channel, path → status.
 */
async function withServerAnswers<T>(port: () => number, fn: (answers: Map<string, number>) => Promise<T>): Promise<T> {
  const answers = new Map<string, number>();
  const listener = (message: unknown) => {
    const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
    if ((server.address() as AddressInfo | null)?.port !== port()) return;
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    answers.set(path.startsWith('/@fs/') ? '/@fs/' : path, response.statusCode);
  };
  subscribe('http.server.response.finish', listener);
  try {
    return await fn(answers);
  } finally {
    unsubscribe('http.server.response.finish', listener);
  }
}

exposure('a page on another local port can neither read project files through /@fs/ nor open them in the editor', async () => {
  const other = await otherLocalPage();
  try {
    await withEditorSpy((editorOpened) =>
      withBrowserWorkbench(async ({ page, base, server, workbench }) => withServerAnswers(() => server.port, async (answers) => {
        const secret = join(workbench.experimentsDir, 'secret.txt');
        await writeFile(secret, 'TOP SECRET project file');
        other.serve(`<!doctype html><html lang="en"><head><title>Another local tool</title></head><body>
          <img alt="" src="${base}/__open-in-editor?file=${encodeURIComponent(secret)}">
          <pre id="read">pending</pre>
          <script type="module">
            const out = document.getElementById('read');
            try {
              const response = await fetch('${base}/@fs${secret}?raw');
              out.textContent = 'read ' + response.status + ': ' + (await response.text());
            } catch (error) {
              out.textContent = 'refused: ' + error.name;
            }
          </script></body></html>`);
        await page.goto(`${other.origin}/`);
        const read = page.locator('#read');
        await until(async () => (await read.textContent()) !== 'pending', 'the page to try reading the file');
        assert.not.match((await read.textContent()) ?? '', 'TOP SECRET');
        await until(() => answers.has('/__open-in-editor') && answers.has('/@fs/'), 'the workbench to answer both requests');
        assert.is(answers.get('/__open-in-editor'), 403, 'the editor request is refused');
        assert.is(answers.get('/@fs/'), 403, 'the file request is refused');
        // The editor is started (if at all) as the request is answered: give it a moment.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.not.ok(editorOpened(), 'no editor was opened');
      }), { ui: 'dev' }),
    );
  } finally {
    await new Promise((resolve) => other.server.close(resolve));
  }
});

if (chromium) exposure.run();
