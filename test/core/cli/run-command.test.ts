import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempExperimentsDir } from '../../helpers/http-workbench.ts';

const BIN = fileURLToPath(new URL('../../../bin/athanor.js', import.meta.url));
const cli = suite('athanor run: exit codes, --json, Ctrl-C');
let experimentsDir: string;

cli.before(async () => {
  experimentsDir = await tempExperimentsDir();
});
cli.after(async () => {
  await rm(experimentsDir, { recursive: true, force: true });
});

function athanor(args: string[], options: { interruptAfter?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--experiments', experimentsDir, '--db', 'memory'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (options.interruptAfter && stdout.includes(options.interruptAfter)) {
        options.interruptAfter = undefined;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

cli('a completed run exits 0 and prints its logs', async () => {
  const result = await athanor(['run', 'my_experiment', '--set', 'iterations=3']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, '[info] Running iteration 3');
  assert.match(result.stdout, / completed\n$/);
});

cli('--json prints one object with the run id, status, error and results', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=complete', '--set', 'count=2', '--json']);
  assert.is(result.code, 0, result.stderr);
  const printed = JSON.parse(result.stdout);
  assert.equal(Object.keys(printed), ['runId', 'status', 'error', 'results']);
  assert.equal([printed.status, printed.error, printed.results], ['completed', null, { r1: { i: 1 }, r2: { i: 2 } }]);
});

cli('a failed run exits 1 with its error', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=fail']);
  assert.is(result.code, 1);
  assert.match(result.stdout, 'failed: API quota exceeded');
});

cli('bad input exits 2 naming the field, the rule and the value', async () => {
  const outOfRange = await athanor(['run', 'my_experiment', '--set', 'iterations=1000']);
  assert.is(outOfRange.code, 2);
  assert.match(outOfRange.stderr, 'config.iterations: 1000 is above the maximum 100');
  const unknown = await athanor(['run', 'no_such_experiment']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'unknown experiment "no_such_experiment"');
  const malformed = await athanor(['run', 'my_experiment', '--set', 'iterations']);
  assert.is(malformed.code, 2);
  assert.match(malformed.stderr, '--set expects key=value, got "iterations"');
  const notAField = await athanor(['run', 'my_experiment', '--set', 'colour=red']);
  assert.is(notAField.code, 2);
  assert.match(notAField.stderr, 'config.colour is not a field of this experiment');
});

cli('Ctrl-C cancels the run cleanly and exits 130', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=cooperative'], { interruptAfter: 'mode cooperative' });
  assert.is(result.code, 130, result.stderr);
  assert.match(result.stdout, 'cancelled');
});

cli.run();
