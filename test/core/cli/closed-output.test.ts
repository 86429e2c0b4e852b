import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { athanorBin } from '../../helpers/athanor-command.ts';
import { tempProject } from '../../helpers/temp-project.ts';

const BIN = await athanorBin();

/** Runs athanor with its stdout read by nobody (`athanor list | head` once head has quit): its exit code and stderr. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first line
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const test = suite('athanor: a reader that stops early (athanor list | head)');

test('list, help and run end as usual (a run completes: exit 0), without a stack trace, when their output is no longer read', async () => {
  const project = await tempProject();
  const dir = project.experimentsDir;
  try {
    for (const args of [['list', '--experiments', dir], ['--help'], ['run', 'my_experiment', '--db', 'memory', '--experiments', dir]]) {
      const { code, stderr } = await withClosedStdout(args);
      assert.is(stderr, '', `athanor ${args[0]} wrote to stderr: ${stderr}`);
      assert.is(code, 0, `athanor ${args[0]}`);
    }
  } finally {
    await project.remove();
  }
});

test.run();
