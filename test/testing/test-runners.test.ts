/**
 * athanor/testing works in the test runners people use: the same three checks (a child
 * run, an in-process run, an invalid configuration) in a process of each — uvu, node:test
 * and vitest — each of which must report them passed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runProcess(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const runners = suite('athanor/testing in test runners');

runners('uvu', async () => {
  const { code, output } = await runProcess(['--import', 'tsx', 'test/fixtures/runners/uvu-sample.ts']);
  assert.is(code, 0, output);
  assert.match(output, /Passed:\s+3/);
});

runners('node:test', async () => {
  const { code, output } = await runProcess(['--import', 'tsx', '--test', 'test/fixtures/runners/node-test-sample.ts']);
  assert.is(code, 0, output);
  assert.match(output, /# pass 3/);
  assert.match(output, /# fail 0/);
});

runners('vitest', async () => {
  const { code, output } = await runProcess(['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/runners/vitest.config.ts']);
  assert.is(code, 0, output);
  assert.match(output, /Tests\s+3 passed/);
});

runners.run();
