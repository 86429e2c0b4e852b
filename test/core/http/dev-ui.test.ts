import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createDevUi, PACKAGE_ROOT, type UiAssets } from '../../../core/http/ui-assets.ts';
import { rawRequest, withServer } from '../../helpers/http-workbench.ts';

const dev = suite('UI assets: Vite dev server (athanor dev) serves the UI and nothing else');
let ui: UiAssets;

dev.before(async () => {
  ui = await createDevUi();
});
dev.after(async () => {
  await ui.close();
});

dev('the UI and its dependencies load; project files, the database and the package root do not', async () => {
  // Beside the experiments, as a user's project holds them.
  const project = await mkdtemp(join(PACKAGE_ROOT, 'test-output', 'project-'));
  try {
    await mkdir(join(project, '.athanor', 'db'), { recursive: true });
    await writeFile(join(project, '.athanor', 'db', 'PG_VERSION'), 'SECRET database file');
    await writeFile(join(project, 'notes.txt'), 'SECRET project file');
    await withServer(
      async ({ base }) => {
        const page = await fetch(`${base}/experiments`);
        assert.is(page.status, 200);
        const html = await page.text();
        assert.match(html, '<athanor-app');
        const entry = /<script type="module" src="([^"]+)"/.exec(html)?.[1];
        assert.ok(entry, html);
        assert.is((await fetch(base + entry)).status, 200, entry);
        for (const file of [join(project, '.athanor/db/PG_VERSION'), join(project, 'notes.txt'), join(PACKAGE_ROOT, 'package.json')]) {
          for (const suffix of ['?raw', '?import&raw', '']) {
            const response = await fetch(`${base}/@fs${file}${suffix}`);
            const body = await response.text();
            assert.ok(response.status >= 400, `${file}${suffix}: ${response.status}`);
            assert.not.match(body, 'SECRET', `${file}${suffix}`);
            assert.not.match(body, '"name": "athanor"', `${file}${suffix}`);
          }
        }
      },
      { server: { ui: ui.handler } },
    );
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});

dev('the live worker loads from source, with every module it imports (the topics it shares with the server among them)', async () => {
  await withServer(
    async ({ base }) => {
      const seen = new Set<string>();
      const load = async (path: string): Promise<void> => {
        if (seen.has(path)) return;
        seen.add(path);
        const response = await fetch(base + path);
        const text = await response.text();
        assert.is(response.status, 200, `${path}: ${text.slice(0, 200)}`);
        assert.match(response.headers.get('content-type') ?? '', 'javascript', path);
        for (const [, imported] of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*['"](\/[^'"]+)['"]/g)) await load(imported!);
      };
      await load('/athanor-live-worker.js');
      assert.ok([...seen].some((path) => path.includes('core/events/event-topics.ts')), [...seen].join(', '));
      assert.ok(seen.size >= 5, [...seen].join(', '));
    },
    { server: { ui: ui.handler } },
  );
});

dev('a path that is no page answers 404 with the app page, as the built UI does; the original\'s edit link is a page', async () => {
  await withServer(
    async ({ base }) => {
      for (const [path, status] of [['/experiments/0b8c6f52-0000-4000-8000-000000000000/edit', 200], ['/nope', 404], ['/experiments/a/b', 404]] as const) {
        const page = await fetch(base + path, { headers: { accept: 'text/html' } });
        assert.is(page.status, status, path);
        assert.match(await page.text(), '<athanor-app', path);
      }
      assert.is((await fetch(`${base}/main.ts`)).status, 200, 'modules are not pages');
    },
    { server: { ui: ui.handler } },
  );
});

dev('Vite adds no CORS headers: a page on another local port cannot read what it serves', async () => {
  await withServer(
    async ({ base }) => {
      for (const path of ['/', '/index.ts', '/@vite/env']) {
        const response = await fetch(base + path, { headers: { origin: 'http://localhost:5173' } });
        assert.is(response.headers.get('access-control-allow-origin'), null, path);
      }
    },
    { server: { ui: ui.handler } },
  );
});

dev('/__open-in-editor is gone: no spelling of it opens an editor', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-editor-'));
  const marker = join(dir, 'opened');
  // launch-editor runs LAUNCH_EDITOR with the file: this one only leaves a marker.
  await writeFile(join(dir, 'editor.sh'), `#!/bin/sh\necho "$1" >> '${marker}'\n`);
  await chmod(join(dir, 'editor.sh'), 0o755);
  const before = process.env.LAUNCH_EDITOR;
  process.env.LAUNCH_EDITOR = join(dir, 'editor.sh');
  try {
    await withServer(
      async ({ base }) => {
        const file = encodeURIComponent(join(PACKAGE_ROOT, 'package.json'));
        for (const path of ['/__open-in-editor', '/__OPEN-IN-EDITOR', '/__open-in-editor/', '/__open-in-editor.x']) {
          const response = await fetch(`${base}${path}?file=${file}`);
          assert.is(response.status, 404, path);
        }
        await new Promise((resolve) => setTimeout(resolve, 300)); // the editor would start as the request is answered
        assert.not.ok(existsSync(marker), 'no editor was opened');
      },
      { server: { ui: ui.handler } },
    );
  } finally {
    if (before === undefined) delete process.env.LAUNCH_EDITOR;
    else process.env.LAUNCH_EDITOR = before;
    await rm(dir, { recursive: true, force: true });
  }
});

dev('bound to every interface (0.0.0.0 or ::), the UI answers by the machine’s name as by its address', async () => {
  for (const host of ['0.0.0.0', '::']) {
    await withServer(
      async ({ server }) => {
        for (const name of ['my-machine', '192.0.2.7', 'localhost']) {
          const page = await rawRequest(server.port, { path: '/experiments', headers: { host: `${name}:${server.port}`, authorization: 'Bearer s3cret' } });
          assert.is(page.status, 200, `${host}, Host ${name}: ${page.body.slice(0, 200)}`);
          assert.match(page.body, '<athanor-app', `${host}, Host ${name}`);
        }
      },
      { server: { ui: ui.handler, host, token: 's3cret' } },
    );
  }
});

dev.run();
