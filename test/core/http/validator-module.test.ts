/** GET /api/experiments/:name/validator.js: each experiment's validator, precompiled for the UI. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { installValidator, validateConfig } from '../../../core/experiment/config-validator.ts';
import { validatorRuntime } from '../../../ui/client/experiment-validators.ts';
import { withServer } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const test = suite('HTTP API: precompiled validators');

const SAMPLES = [
  {},
  { iterations: 5 },
  { iterations: 0 },
  { iterations: 101, extra: true },
  { iterations: 'many' },
  { mode: 'nope', count: -1, delay_ms: 1.5 },
  { mode: 'slow', delay_ms: 10 },
];

test('each experiment gets a module that validates exactly as the server does, with no eval in the page', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'athanor-validators-'));
  try {
    await withServer(async ({ base, api }) => {
      for (const name of ['my_experiment', 'kernel_fixture']) {
        const info = (await api('GET', `/api/experiments/${name}`)).body;
        const response = await fetch(`${base}/api/experiments/${name}/validator.js?v=${info.codeHash}`);
        assert.is(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', 'text/javascript');
        const text = await response.text();
        assert.not.match(text, /new Function|eval\(/);
        const file = join(dir, `${name}.mjs`);
        await writeFile(file, text);
        const { default: validatorOf } = await import(pathToFileURL(file).href);
        const precompiled = structuredClone(info.schema);
        installValidator(precompiled, validatorOf(validatorRuntime));
        for (const config of SAMPLES) {
          assert.equal(validateConfig(precompiled, config), validateConfig(info.schema, config), `${name}: ${JSON.stringify(config)}`);
        }
        assert.ok(validateConfig(precompiled, {}).ok);
        assert.not.ok(validateConfig(precompiled, { iterations: 'many' }).ok);
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unknown experiment is 404; one that never loaded is 409 naming its error', async () => {
  await withServer(async ({ base, api, workbench }) => {
    const unknown = await fetch(`${base}/api/experiments/nope/validator.js`);
    assert.is(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, 'unknown experiment "nope"');
    await writeFile(join(workbench.experimentsDir, 'never_loaded.ts'), 'export function experiment( {');
    await until(async () => (await api('GET', '/api/experiments/never_loaded')).status === 200, 'the broken file to be listed');
    const broken = await fetch(`${base}/api/experiments/never_loaded/validator.js`);
    assert.is(broken.status, 409);
    assert.match(((await broken.json()) as { error: string }).error, /experiment "never_loaded" has no validator until its file loads: .+/);
  }, { workbench: { watch: true } }); // files changed on disk: the watcher reloads them
});

test.run();
