import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createBuiltUi } from '../../../core/http/ui-assets.ts';
import { withServer } from '../../helpers/http-workbench.ts';

const built = suite('UI assets: the built app (athanor serve)');

async function withBuiltDir<T>(fn: (dir: string, embedModule: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-ui-'));
  try {
    await mkdir(join(dir, 'ui', 'assets'), { recursive: true });
    await writeFile(join(dir, 'ui', 'index.html'), '<!doctype html><title>app</title><athanor-app></athanor-app>');
    await writeFile(join(dir, 'ui', 'assets', 'index-abc123.js'), 'console.log("app")');
    await writeFile(join(dir, 'secret.txt'), 'not for the web');
    await writeFile(join(dir, 'athanor-ui.js'), 'export const elements = true;');
    await writeFile(join(dir, 'athanor-live-worker.js'), 'self.onconnect = () => {};');
    return await fn(join(dir, 'ui'), join(dir, 'athanor-ui.js'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

built('serves index.html for every app page, hashed assets cached for good, with the CSP', async () => {
  await withBuiltDir((dir, embedModule) =>
    withServer(
      async ({ base }) => {
        for (const path of ['/', '/experiments', '/experiments/new', '/runs/0b8c6f52-0000-4000-8000-000000000000', '/source/my_experiment']) {
          const page = await fetch(base + path);
          assert.is(page.status, 200, path);
          assert.match(await page.text(), '<athanor-app>', path);
          assert.is(page.headers.get('cache-control'), 'no-cache');
          assert.match(page.headers.get('content-security-policy') ?? '', "script-src 'self'");
          assert.match(page.headers.get('content-security-policy') ?? '', "worker-src 'self'", 'the live worker, from the workbench only');
          assert.not.match(page.headers.get('content-security-policy') ?? '', 'unsafe-eval', 'no eval: the forms use precompiled validators');
        }
        const asset = await fetch(`${base}/assets/index-abc123.js`);
        assert.is(asset.status, 200);
        assert.match(asset.headers.get('content-type') ?? '', 'text/javascript');
        assert.match(asset.headers.get('cache-control') ?? '', 'immutable');
        const elements = await fetch(`${base}/athanor-ui.js`);
        assert.is(await elements.text(), 'export const elements = true;');
        const worker = await fetch(`${base}/athanor-live-worker.js`);
        assert.is(worker.status, 200, 'the live worker, at its fixed URL beside the elements');
        assert.match(worker.headers.get('content-type') ?? '', 'text/javascript');
        assert.is(await worker.text(), 'self.onconnect = () => {};');
        const embed = await fetch(`${base}/embed.html`);
        assert.match(await embed.text(), '<athanor-run-view');
      },
      { server: { ui: createBuiltUi(dir, embedModule).handler } },
    ),
  );
});

/** Old links and unknown paths: what status and page each gets. */
async function checkPageStatuses(base: string): Promise<void> {
  const pages = {
    '/experiments/0b8c6f52-0000-4000-8000-000000000000/edit': 200, // the original's edit page
    '/runs/0b8c6f52-0000-4000-8000-000000000000?tab=logs': 200,
    '/experiments/0b8c6f52-0000-4000-8000-000000000000?tab=runs': 200,
    '/nope': 404,
    '/experiments/a/b/c': 404,
    '/runs': 404,
  };
  for (const [path, status] of Object.entries(pages)) {
    const page = await fetch(base + path, { headers: { accept: 'text/html' } });
    assert.is(page.status, status, path);
    assert.match(await page.text(), '<athanor-app', `${path}: the app's page, which says what is missing`);
  }
}

built('a path that is no page answers 404 with the app page; the original\'s links are pages', async () => {
  await withBuiltDir((dir, embedModule) =>
    withServer(async ({ base }) => checkPageStatuses(base), { server: { ui: createBuiltUi(dir, embedModule).handler } }),
  );
});

built('never serves a file outside the build folder, however the path is spelled', async () => {
  await withBuiltDir((dir, embedModule) =>
    withServer(
      async ({ base }) => {
        for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%E0%A4%A']) {
          const response = await fetch(base + path);
          assert.ok(response.status < 500, `${path}: ${response.status}`);
          assert.not.match(await response.text(), 'not for the web', path);
        }
      },
      { server: { ui: createBuiltUi(dir, embedModule).handler } },
    ),
  );
});

built.run();
