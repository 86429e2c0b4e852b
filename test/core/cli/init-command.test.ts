/**
 * `athanor init [dir]` as a user runs it: the files it writes, what it prints, and its
 * refusals (exit 2, nothing written). That the project works once installed is
 * init.pack.test.ts's job.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { packageNameFor } from '../../../core/cli/commands/init-command.ts';
import { dependencySpec, installSource } from '../../../core/cli/install-source.ts';

const BIN = fileURLToPath(new URL('../../../bin/athanor.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));

function athanor(args: string[], cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const init = suite('athanor init');
let scratch: string;

init.before.each(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'athanor-init-'));
});
init.after.each(async () => {
  await rm(scratch, { recursive: true, force: true });
});

init('scaffolds a new folder and says what to do next', async () => {
  const result = await athanor(['init', 'My Lab'], scratch);
  assert.is(result.code, 0, result.stderr);
  const root = path.join(scratch, 'My Lab');
  assert.equal(await tree(root), ['.gitignore', 'README.md', 'experiments/my_experiment.ts', 'package.json', 'test/my_experiment.test.ts', 'tsconfig.json']);
  assert.match(result.stdout, '  created experiments/my_experiment.ts\n');
  const checkout = path.resolve(ROOT);
  assert.match(result.stdout, `A new Athanor project in ${root}. Next:\n  cd "My Lab"\n  npm install         # athanor from ${checkout}\n  npm test`);

  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  assert.is(manifest.name, 'my-lab');
  assert.is(manifest.type, 'module');
  // Run from this checkout, the project installs athanor from it: no registry has it.
  assert.equal(manifest.dependencies, { athanor: `file:${path.relative(root, checkout)}` });
  assert.equal(Object.keys(manifest.devDependencies), ['@types/node', 'tsx', 'typescript'], 'no types of athanor\'s own dependencies');
  assert.is(manifest.devDependencies.tsx, PACKAGE.dependencies.tsx);
  assert.is(manifest.devDependencies.typescript, PACKAGE.devDependencies.typescript);
  assert.is(manifest.scripts.test, 'node --import tsx --test test/*.test.ts');

  const experiment = await readFile(path.join(root, 'experiments/my_experiment.ts'), 'utf8');
  assert.match(experiment, ".name('my_experiment')");
  const test = await readFile(path.join(root, 'test/my_experiment.test.ts'), 'utf8');
  assert.match(test, "from 'athanor/testing'");
  assert.match(test, "new URL('../experiments/my_experiment.ts', import.meta.url)");
  assert.not.match(test, '{{');
  // Its README links to athanor's as installed (no registry page exists: user test).
  assert.match(await readFile(path.join(root, 'README.md'), 'utf8'), '[Athanor](node_modules/athanor/README.md)');
});

init('with no folder, scaffolds the current one; a .git alone still counts as empty', async () => {
  await mkdir(path.join(scratch, '.git'));
  const result = await athanor(['init'], scratch);
  assert.is(result.code, 0, result.stderr);
  assert.ok((await tree(scratch)).includes('package.json'));
  assert.not.match(result.stdout, '  cd ');
});

init('refuses a folder that is not empty, exit 2, and writes nothing', async () => {
  await writeFile(path.join(scratch, 'notes.txt'), 'mine');
  const result = await athanor(['init', '.'], scratch);
  assert.is(result.code, 2);
  assert.is(result.stdout, '');
  assert.is(
    result.stderr,
    `athanor: ${scratch} is not empty (it holds notes.txt); athanor init writes only into a new or empty folder, so nothing was written\n`,
  );
  assert.equal(await tree(scratch), ['notes.txt']);
});

init('refuses a file where the folder should be, and two folders', async () => {
  await writeFile(path.join(scratch, 'taken'), '');
  const file = await athanor(['init', 'taken'], scratch);
  assert.is(file.code, 2);
  assert.match(file.stderr, `${path.join(scratch, 'taken')} exists and is not a folder`);
  const two = await athanor(['init', 'a', 'b'], scratch);
  assert.is(two.code, 2);
  assert.match(two.stderr, 'athanor init takes one folder, got a, b');
  assert.equal(await tree(scratch), ['taken']);
});

init('package names follow npm rules', () => {
  assert.is(packageNameFor('/x/My Experiments'), 'my-experiments');
  assert.is(packageNameFor('/x/.hidden_lab'), 'hidden_lab');
  assert.is(packageNameFor('/x/Ünïcode!'), 'n-code');
  assert.is(packageNameFor('/x/!!!'), 'athanor-experiments');
});

init.run();

const source = suite('athanor init: where the new project gets athanor from');
let treeDir: string;

source.before.each(async () => {
  treeDir = await mkdtemp(path.join(tmpdir(), 'athanor-source-'));
});
source.after.each(async () => {
  await rm(treeDir, { recursive: true, force: true });
});

/** An athanor installed into `treeDir/install` as npm (or npx's cache) leaves it, with `resolved` as npm recorded it. */
async function installed(resolved: string | undefined): Promise<string> {
  const packageRoot = path.join(treeDir, 'install', 'node_modules', 'athanor');
  await mkdir(packageRoot, { recursive: true });
  await writeFile(path.join(packageRoot, 'package.json'), JSON.stringify({ name: 'athanor', version: PACKAGE.version }));
  const lock = { lockfileVersion: 3, packages: { 'node_modules/athanor': { version: PACKAGE.version, ...(resolved ? { resolved } : {}) } } };
  await writeFile(path.join(treeDir, 'install', 'node_modules', '.package-lock.json'), JSON.stringify(lock));
  return packageRoot;
}

source('from a tarball (npx ./athanor-x.tgz): file: the tarball, relative to the project', async () => {
  await writeFile(path.join(treeDir, 'athanor-0.1.0.tgz'), 'a tarball');
  const found = await installSource(await installed('file:../athanor-0.1.0.tgz'));
  assert.equal(found, { kind: 'file', path: path.join(await realpath(treeDir), 'athanor-0.1.0.tgz') });
  assert.is(dependencySpec(found, '0.1.0', path.join(await realpath(treeDir), 'my-lab')), 'file:../athanor-0.1.0.tgz');
});

source('from a registry, or a tarball gone since, or no record: ^version', async () => {
  assert.equal(await installSource(await installed('https://registry.npmjs.org/athanor/-/athanor-0.1.0.tgz')), { kind: 'registry' });
  await rm(path.join(treeDir, 'install'), { recursive: true });
  assert.equal(await installSource(await installed('file:../gone.tgz')), { kind: 'registry' });
  await rm(path.join(treeDir, 'install'), { recursive: true });
  assert.equal(await installSource(await installed(undefined)), { kind: 'registry' });
  assert.is(dependencySpec({ kind: 'registry' }, '0.1.0', treeDir), '^0.1.0');
});

source('from a checkout, or a folder npm linked into node_modules: file: the checkout', async () => {
  const checkout = path.join(treeDir, 'athanor');
  await mkdir(checkout);
  assert.equal(await installSource(checkout), { kind: 'checkout', path: await realpath(checkout) });
  await mkdir(path.join(treeDir, 'app', 'node_modules'), { recursive: true });
  await symlink(checkout, path.join(treeDir, 'app', 'node_modules', 'athanor'));
  assert.equal(await installSource(path.join(treeDir, 'app', 'node_modules', 'athanor')), { kind: 'checkout', path: await realpath(checkout) });
});

source.run();
