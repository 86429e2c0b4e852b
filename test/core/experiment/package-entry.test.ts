/**
 * What `import 'athanor'` costs: every run host and every definition loader imports it
 * through the experiment, so it must not load ajv (~0.1–0.2 s under tsx) — the validator
 * loads on the first `validateConfig` call, in a process started with tsx's ESM hooks
 * alone too (as bin/athanor.js starts).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema, ConfigValidationError, validateConfig } from 'athanor';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const PROBE = `
const { createRequire } = await import('node:module');
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('/node_modules/ajv/'));
const athanor = await import('athanor');
const before = loaded();
const schema = athanor.ConfigSchema.new().field('n', 'integer', { default: 3, min: 1 }).toJSONSchema();
console.log(JSON.stringify({ before, after: (athanor.validateConfig(schema, { n: 0 }), loaded()), result: athanor.validateConfig(schema, {}) }));
`;

test('importing athanor loads no ajv; the first validateConfig does', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], { cwd: ROOT });
  assert.equal(JSON.parse(stdout), { before: false, after: true, result: { ok: true, value: { n: 3 } } });
});

test('validateConfig works in a process with tsx ESM hooks alone (as bin/athanor.js registers them)', async () => {
  const esmOnly = `const { register } = await import('tsx/esm/api'); register();\n${PROBE}`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', esmOnly], { cwd: ROOT });
  assert.equal(JSON.parse(stdout).result, { ok: true, value: { n: 3 } });
});

test('the package entry validates and names what is wrong; its error class is the one the workbench throws', async () => {
  const schema = ConfigSchema.new().field('n', 'integer', { default: 3, min: 1 }).toJSONSchema();
  assert.equal(validateConfig(schema, { n: 0 }), { ok: false, errors: [{ path: 'n', message: 'config.n: 0 is below the minimum 1' }] });
  assert.equal(validateConfig(schema, { n: '4' }, { coerce: true }), { ok: true, value: { n: 4 } });
  assert.is(ConfigValidationError, (await import('../../../core/experiment/config-validator.ts')).ConfigValidationError);
});

test.run();
