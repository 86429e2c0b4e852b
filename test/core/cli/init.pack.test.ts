/**
 * SLOW (~30–60 s; it packs and installs athanor): `athanor init` as a new user meets it.
 * The package is packed with `npm pack`, a project is scaffolded in a temporary folder far
 * from this repository (so nothing resolves to our own node_modules), the tarball is
 * installed there (`--prefer-offline`: from the npm cache, the registry for what is
 * missing), and then, as generated: `npm test` passes, `npm run typecheck` passes, and
 * `npx athanor dev` serves the project's experiment.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command to its end (killing it after `timeoutMs`), with its output. */
function run(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const pack = suite('athanor init → npm pack → install → npm test, typecheck, athanor dev (slow)');
let scratch: string;
let project: string;

pack.before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'athanor-pack-'));
  project = path.join(scratch, 'lab');
});
pack.after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

pack('the packed athanor installs into a project athanor init made', async () => {
  const packed = await run(NPM, ['pack', '--pack-destination', scratch, '--loglevel=error'], { cwd: ROOT });
  assert.is(packed.code, 0, packed.output);
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, `npm pack left no tarball: ${packed.output}`);

  const init = await run(process.execPath, [path.join(ROOT, 'bin/athanor.js'), 'init', project], { cwd: scratch });
  assert.is(init.code, 0, init.output);

  const installed = await run(NPM, ['install', path.join(scratch, tarball!), '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    timeoutMs: 300_000,
  });
  assert.is(installed.code, 0, installed.output);
  const manifest = JSON.parse(await readFile(path.join(project, 'node_modules/athanor/package.json'), 'utf8'));
  assert.is(manifest.name, 'athanor');
  // The built elements ship (npm pack builds them first); the repository's tests do not.
  const shipped = await readdir(path.join(project, 'node_modules/athanor'));
  assert.ok((await readdir(path.join(project, 'node_modules/athanor/dist'))).includes('athanor-ui.js'), 'dist/athanor-ui.js is in the package');
  assert.not.ok(shipped.includes('test') || shipped.includes('bench'), `only what users need is packed: ${shipped.join(', ')}`);
});

pack('npm test passes in the new project, as generated', async () => {
  const tested = await run(NPM, ['test'], { cwd: project });
  assert.is(tested.code, 0, tested.output);
  assert.match(tested.output, /# pass 3\n/);
  assert.match(tested.output, /# fail 0\n/);
});

pack('npm run typecheck passes in the new project', async () => {
  const checked = await run(NPM, ['run', 'typecheck'], { cwd: project });
  assert.is(checked.code, 0, checked.output);
});

pack('npx athanor dev serves the new project’s experiment', async () => {
  // Its own process group, so the workbench under npx is stopped with it.
  const child = spawn('npx', ['athanor', 'dev', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`athanor dev printed no URL in 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const found = output.match(/athanor workbench: (http:\/\/\S+)\n.*experiments: .*\(\d+ found\)/);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!.replace(/\/$/, ''));
        }
      });
    });
    assert.match(output, /experiments: .*lab[/\\]experiments \(1 found\)/);
    const experiments = (await (await fetch(`${url}/api/experiments`)).json()) as { name: string; error?: unknown }[];
    assert.equal(experiments.map((e) => [e.name, e.error]), [['my_experiment', undefined]]);
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
});

pack.run();
