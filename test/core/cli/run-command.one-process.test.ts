import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { athanorBin } from '../../helpers/athanor-command.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';

/**
 * `athanor run` loads the experiment and runs it in one child (the run's host), checks the
 * input before it opens a new database, and reuses the definitions of unchanged modules.
 */
const BIN = await athanorBin();
const cli = suite<{ project: TempProject; evaluations: string }>('athanor run: one process loads and runs the experiment');

// The module's top level notes the process evaluating it; run() logs its own process.
const probe = (evaluations: string, version: number) => `import { appendFileSync } from 'node:fs';
import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';
appendFileSync(${JSON.stringify(evaluations)}, \`\${process.pid}\\n\`);
console.log('top level of probe v${version}');
export function experiment() {
  return Definition.new().name('probe').configuration(ConfigSchema.new().field('steps', 'integer', { default: 1, min: 1, max: 5 }));
}
export async function run(ctx: RunContext) {
  Runtime.log(ctx, 'info', \`ran in \${process.pid}\`);
}
`;

cli.before.each(async (context) => {
  context.project = await tempProject('athanor-run-one-');
  context.evaluations = join(context.project.root, 'evaluations.log');
  await context.project.addExperiment('probe.ts', probe(context.evaluations, 1));
});
cli.after.each(async ({ project }) => {
  await project.remove();
});

function athanor(project: TempProject, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--experiments', project.experimentsDir], { cwd: project.root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const evaluated = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

cli('a new or edited experiment is evaluated once, in the process that runs it; its top-level output is the run\'s', async ({ project, evaluations }) => {
  for (const version of [1, 2]) {
    if (version === 2) await project.addExperiment('probe.ts', probe(evaluations, 2)); // edited: its cached definition is stale
    await writeFile(evaluations, '');
    const result = await athanor(project, ['run', 'probe', '--db', 'memory']);
    assert.is(result.code, 0, result.stderr);
    const pids = await evaluated(evaluations);
    assert.is(pids.length, 1, `v${version} was evaluated by ${pids.length} processes: ${pids.join(', ')}`);
    assert.match(result.stdout, `ran in ${pids[0]}`);
    assert.match(result.stdout, `top level of probe v${version}`);
  }
});

cli('an unchanged experiment runs from its cached definition: only the run evaluates it', async ({ project, evaluations }) => {
  assert.is((await athanor(project, ['list'])).code, 0);
  await writeFile(evaluations, '');
  const result = await athanor(project, ['run', 'probe', '--db', 'memory', '--set', 'steps=2']);
  assert.is(result.code, 0, result.stderr);
  const pids = await evaluated(evaluations);
  assert.is(pids.length, 1);
  assert.match(result.stdout, `ran in ${pids[0]}`);
});

// The run's own process lists the command's other children: processes of the run's kind.
const SIBLINGS = `import { readdirSync, readFileSync } from 'node:fs';
import { Definition, Runtime, type RunContext } from 'athanor';
export function experiment() {
  return Definition.new().name('siblings');
}
export async function run(ctx: RunContext) {
  const hosts = readdirSync('/proc').filter((pid) => /^\\d+$/.test(pid) && pid !== String(process.pid)).filter((pid) => {
    try {
      const stat = readFileSync(\`/proc/\${pid}/stat\`, 'latin1');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return parent === process.ppid && readFileSync(\`/proc/\${pid}/cmdline\`, 'latin1').includes('run-host-entry');
    } catch {
      return false;
    }
  });
  Runtime.result(ctx, 'other_run_hosts', hosts.length);
}
`;

cli('one run starts one run host: none is warmed for a next run that never comes (it took a core from the run)', async ({ project }) => {
  if (!existsSync('/proc/self/stat')) return; // no /proc to look in
  await project.addExperiment('siblings.ts', SIBLINGS);
  const result = await athanor(project, ['run', 'siblings', '--db', 'memory', '--json']);
  assert.is(result.code, 0, result.stderr);
  assert.is(JSON.parse(result.stdout).results.other_run_hosts, 0);
});

cli('bad --set answers exit 2 without creating the database folder, cached or not', async ({ project }) => {
  const folder = join(project.root, 'new-db');
  for (const round of ['loaded', 'cached']) {
    const result = await athanor(project, ['run', 'probe', '--db', `pglite:${folder}`, '--set', 'steps=9']);
    assert.is(result.code, 2, `${round}: ${result.stderr}`);
    assert.match(result.stderr, 'config.steps: 9 is above the maximum 5');
    assert.not.ok(existsSync(folder), `${round}: the database folder was created for bad input`);
  }
  const unknown = await athanor(project, ['run', 'prob', '--db', `pglite:${folder}`]);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'did you mean "probe"?');
  assert.not.ok(existsSync(folder));
});

cli('an experiment found under another file name than its own still runs once loaded', async ({ project, evaluations }) => {
  await project.addExperiment('other_name.ts', (await readFile(join(project.experimentsDir, 'probe.ts'), 'utf8')).replace("name('probe')", "name('elsewhere')"));
  await writeFile(evaluations, '');
  const result = await athanor(project, ['run', 'elsewhere', '--db', 'memory']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /ran in \d+/);
});

cli.run();
