import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeControls } from '../../../core/cli/terminal-text.ts';
import { athanorBin } from '../../helpers/athanor-command.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { runAthanor } from '../../helpers/workbench-process.ts';

/**
 * An experiment that writes terminal control sequences everywhere it can: an OSC 52
 * clipboard write (ended by BEL), an erase-line, a carriage return, an 8-bit CSI (U+009B)
 * and DEL, in logs, console output, a progress message, a result and its failure.
 */
const HOSTILE = String.raw`
import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('hostile_output')
    .configuration(ConfigSchema.new().field('fail', 'boolean', { default: false }));
}

export async function run(ctx: RunContext) {
  Runtime.log(ctx, 'info', 'clip \x1b]52;c;ZXZpbA==\x07 done');
  Runtime.log(ctx, 'warn', 'hide\x1b[2K\rline');
  console.log('raw \x1b[31mred\x1b[0m \u009b31m c1 \x7f del');
  Runtime.progress(ctx, 1, 2, 'step \x1b]52;c;eA==\x07');
  Runtime.result(ctx, 'value', 'res \x1b]52;c;eA==\x07 \u009b end');
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (Runtime.config(ctx).fail) throw new Error('boom \x1b[2K\x07 gone');
}
`;

/** Bytes a terminal acts on: C0 controls but newline and tab, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

const text = suite('escapeControls: terminal controls become visible text');

text('C0 and C1 controls and DEL are written as \\xHH; newline, tab and other text stay', () => {
  assert.is(escapeControls('a\x1b]52;c;eA==\x07b'), 'a\\x1b]52;c;eA==\\x07b');
  assert.is(escapeControls('x\r\x00\x7f\u009by'), 'x\\x0d\\x00\\x7f\\x9by');
  assert.is(escapeControls('line 1\n\tline 2 — é ✓ 😀'), 'line 1\n\tline 2 — é ✓ 😀');
});

text.run();

const cli = suite('athanor run: what an experiment prints reaches the terminal escaped');
let project: TempProject;
let experimentsDir: string;

cli.before(async () => {
  project = await tempProject();
  experimentsDir = project.experimentsDir;
  await writeFile(join(experimentsDir, 'hostile_output.ts'), HOSTILE);
});
cli.after(async () => {
  await project.remove();
});

const athanor = (args: string[]) => runAthanor([...args, '--experiments', experimentsDir, '--db', 'memory']);

cli('logs, console output and the failure are printed with their controls escaped', async () => {
  const result = await athanor(['run', 'hostile_output', '--set', 'fail=true']);
  assert.is(result.code, 1, result.stderr);
  assert.not.match(result.stdout, RAW_CONTROL);
  assert.not.match(result.stderr, RAW_CONTROL);
  assert.match(result.stdout, '[info] clip \\x1b]52;c;ZXZpbA==\\x07 done\n');
  assert.match(result.stdout, '[warn] hide\\x1b[2K\\x0dline\n');
  assert.match(result.stdout, '[info] raw \\x1b[31mred\\x1b[0m \\x9b31m c1 \\x7f del\n');
  assert.match(result.stdout, /failed: (Error: )?boom \\x1b\[2K\\x07 gone/);
});

cli('--json: results keep their value, and no raw control reaches the terminal', async () => {
  const result = await athanor(['run', 'hostile_output', '--json']);
  assert.is(result.code, 0, result.stderr);
  assert.not.match(result.stdout, RAW_CONTROL);
  assert.not.match(result.stderr, RAW_CONTROL);
  assert.match(result.stderr, '[info] clip \\x1b]52;c;ZXZpbA==\\x07 done\n');
  assert.is(JSON.parse(result.stdout).results.value, 'res \x1b]52;c;eA==\x07 \u009b end');
});

const BIN = await athanorBin();

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
function runOnTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

cli('on a terminal, the progress message is escaped too; the only controls are the bar redrawing itself', async () => {
  const result = await runOnTerminal(['run', 'hostile_output', '--experiments', experimentsDir, '--db', 'memory']);
  assert.is(result.code, 0, result.output);
  const withoutBar = result.output.replaceAll('\r\x1b[2K', '').replace(/\r\n/g, '\n');
  assert.not.match(withoutBar, RAW_CONTROL);
  assert.match(withoutBar, '1/2 step \\x1b]52;c;eA=='); // the bar is cut at the terminal's width
  assert.match(withoutBar, '[warn] hide\\x1b[2K\\x0dline\n');
});

cli.run();
