import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { athanorBin } from '../../helpers/athanor-command.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { childPids, descendants, isAlive, startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';
import { until } from '../../helpers/until.ts';

const lifecycle = suite('athanor dev as a process: shutdown and crash recovery');
let project: TempProject;
let experimentsDir: string;
let dataDir: string;

lifecycle.before.each(async () => {
  project = await tempProject();
  experimentsDir = project.experimentsDir;
  dataDir = await mkdtemp(join(tmpdir(), 'athanor-dev-'));
});
lifecycle.after.each(async () => {
  await project.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const args = () => ['--experiments', experimentsDir, '--db', `pglite:${join(dataDir, 'db')}`];

async function startLongRun(workbench: WorkbenchProcess): Promise<string> {
  const instance = await workbench.api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'long', configuration: { mode: 'progress', count: 100_000, delay_ms: 5 } });
  const run = await workbench.api('POST', `/api/instances/${instance.id}/runs`, {});
  await until(async () => (await workbench.api('GET', `/api/runs/${run.id}/logs`)).items.length > 0, 'the run to log');
  return run.id;
}

lifecycle('SIGTERM cancels the running run, flushes it, and exits 0', async () => {
  const workbench = await startWorkbenchProcess(args());
  const runId = await startLongRun(workbench);
  workbench.child.kill('SIGTERM');
  const exit = await workbench.exited;
  assert.equal(exit, { code: 0, signal: null }, workbench.output());
  const again = await startWorkbenchProcess(args());
  try {
    const run = await again.api('GET', `/api/runs/${runId}`);
    assert.is(run.status, 'cancelled');
    assert.match(run.error, 'the workbench stopped');
    const logs = await again.api('GET', `/api/runs/${runId}/logs`);
    assert.is(logs.items[0].message, 'mode progress');
  } finally {
    again.child.kill('SIGTERM');
    await again.exited;
  }
});

lifecycle('after SIGKILL of the workbench, its run processes end, and the next start ends its run failed and keeps its logs', async () => {
  const workbench = await startWorkbenchProcess(args());
  const runId = await startLongRun(workbench);
  const hostPid = (await workbench.api('GET', `/api/runs/${runId}/logs`)).items[0].metadata.pid as number;
  const hosts = childPids(workbench.child.pid!);
  assert.ok(hosts.includes(hostPid));
  workbench.child.kill('SIGKILL');
  await workbench.exited;
  // Nobody reads their output any more: neither the run's process nor the warm one lives on.
  await until(() => hosts.every((pid) => !isAlive(pid)), `the workbench's processes to end with it (${hosts.filter(isAlive)} left)`, 10_000);
  const again = await startWorkbenchProcess(args());
  try {
    assert.match(again.output(), 'ended 1 run(s) left active');
    const run = await again.api('GET', `/api/runs/${runId}`);
    assert.equal([run.status, run.error], ['failed', 'interrupted: the workbench stopped while the run was active']);
    const logs = await again.api('GET', `/api/runs/${runId}/logs`);
    assert.ok(logs.items.length >= 1);
  } finally {
    again.child.kill('SIGTERM');
    await again.exited;
  }
});

lifecycle('from a checkout, serves the UI from source through Vite: the app page, its modules and the elements module', async () => {
  const workbench = await startWorkbenchProcess(args(), { checkout: true });
  try {
    const page = await fetch(`${workbench.url}/experiments`);
    assert.is(page.status, 200);
    assert.match(await page.text(), '<athanor-app>');
    assert.match(page.headers.get('content-security-policy') ?? '', "default-src 'self'");
    const entry = await fetch(`${workbench.url}/main.ts`);
    assert.is(entry.status, 200);
    assert.match(entry.headers.get('content-type') ?? '', 'javascript');
    assert.match(await entry.text(), 'athanor-app');
    assert.match(await (await fetch(`${workbench.url}/athanor-ui.js`)).text(), "from '/index.ts'");
  } finally {
    workbench.child.kill('SIGTERM');
    await workbench.exited;
  }
});

lifecycle('a bad --allow-origin is bad input: exit 2 naming it, nothing started', async () => {
  const { spawnSync } = await import('node:child_process');
  const bin = await athanorBin();
  const result = spawnSync(process.execPath, [bin, 'dev', '--port', '0', '--allow-origin', 'dash.example.com', ...args()], { encoding: 'utf8' });
  assert.is(result.status, 2, result.stderr);
  assert.match(result.stderr, '--allow-origin must be an origin such as https://dash.example.com, got "dash.example.com"');
});

/** `athanor dev` started the way `command` starts it, in its own process group; resolves once it serves. */
async function startUnder(command: string, commandArgs: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, commandArgs, { cwd: project.root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await until(() => /athanor workbench: http:\/\/\S+/.test(output), `athanor dev to serve:\n${output}`, 60_000);
  const url = /athanor workbench: (http:\/\/\S+?)\/?\n/.exec(output)![1]!;
  // Node running athanor's bin (not npm's shell, whose command line names it too).
  const dev = descendants(child.pid!).find((pid) => /^\S*node \S*athanor(\.js)? dev /.test(execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' })))!;
  return { child, url, dev, exited, output: () => output };
}

lifecycle('npx athanor dev stops when its npm process is stopped (npm does not pass the signal on); started otherwise, it outlives its parent', async () => {
  // As `npm install` links it: node_modules/.bin/athanor.
  await mkdir(join(project.root, 'node_modules/.bin'));
  await symlink('../athanor/bin/athanor.js', join(project.root, 'node_modules/.bin/athanor'));
  const byNpm = await startUnder('npm', ['exec', '--offline', '--', 'athanor', 'dev', '--port', '0', '--db', 'memory'], process.env);
  try {
    process.kill(byNpm.child.pid!, 'SIGTERM'); // npm only, as a tool stopping "npx athanor dev" does
    await until(() => !isAlive(byNpm.dev), `athanor dev to stop after npm:\n${byNpm.output()}`, 10_000);
    assert.match(byNpm.output(), 'the npm process that started athanor ended; stopping: cancelling active runs…', byNpm.output());
    assert.match(byNpm.output(), /stopped\n/);
    assert.not.ok(await fetch(`${byNpm.url}/api/experiments`).catch(() => undefined), 'nothing answers on its port');
  } finally {
    if (isAlive(byNpm.dev)) process.kill(byNpm.dev, 'SIGKILL');
  }

  // `nohup athanor dev &` from a shell that then exits: not npm's, so it keeps serving.
  const { npm_execpath: _npm, ...notNpm } = process.env;
  const byShell = await startUnder('sh', ['-c', `"${process.execPath}" "${await athanorBin()}" dev --port 0 --db memory & wait`], notNpm);
  try {
    process.kill(byShell.child.pid!, 'SIGKILL');
    await byShell.exited;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // past the npm watch's poll
    assert.ok(isAlive(byShell.dev), `athanor dev kept running:\n${byShell.output()}`);
    assert.is((await fetch(`${byShell.url}/api/experiments`)).status, 200);
  } finally {
    if (isAlive(byShell.dev)) process.kill(byShell.dev, 'SIGTERM');
    await until(() => !isAlive(byShell.dev), 'athanor dev to stop on SIGTERM');
  }
});

lifecycle.run();
