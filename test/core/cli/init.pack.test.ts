/**
 * SLOW (~100 s; it packs athanor and installs it twice, with npx and in the project): `athanor init` as a new user meets it.
 * The package is packed with `npm pack` from a copy of this checkout (packing builds the
 * UI and the elements' manifest, which must not touch the repository), and then, as the
 * README says, in a temporary folder far from this repository (so nothing resolves to our
 * own node_modules): `npx --yes athanor-0.1.0.tgz init lab` scaffolds a project, a plain
 * `npm install` installs it (`--prefer-offline`: from the npm cache, the registry for what
 * is missing), and, as generated, `npm test` passes, `npm run typecheck` passes (also with
 * only athanor and typescript installed: the package ships JavaScript and declarations), a
 * plain `.js` test runs under `node --test` with no loader, and `npx athanor dev` serves
 * the project's experiment on a machine with nothing cached (its PGlite folder from the
 * template the package ships, not initdb).
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/** What packing needs of the checkout: not its dependencies (linked), history or build output. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'test-output', '.athanor', '.scratch']);

pack.before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'athanor-pack-'));
  project = path.join(scratch, 'lab');
});
pack.after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

pack('npx of the packed tarball scaffolds a project that a plain npm install installs', async () => {
  const checkout = path.join(scratch, 'checkout');
  await cp(ROOT, checkout, { recursive: true, filter: (source) => !NOT_COPIED.has(path.relative(ROOT, source).split(path.sep)[0]!) });
  await symlink(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
  // Packing builds the UI three ways, its manifest and the PGlite template, and compiles: minutes on a busy machine.
  const packed = await run(NPM, ['pack', '--pack-destination', scratch, '--loglevel=error'], { cwd: checkout, timeoutMs: 300_000 });
  assert.is(packed.code, 0, packed.output);
  const tarball = (await readdir(scratch)).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball, `npm pack left no tarball: ${packed.output}`);
  const listing = await run('tar', ['-tvzf', path.join(scratch, tarball!), 'package/bin/athanor.js']);
  assert.match(listing.output, /^-rwxr-xr-x /, `the bin is executable in the tarball: ${listing.output}`);
  // The pack compiles beside the sources (and the ui/ modules core/ imports): none of it stays in the checkout.
  const left: string[] = [];
  for (const dir of ['core', 'plugins', 'storage', 'ui']) {
    for (const file of await readdir(path.join(checkout, dir), { recursive: true })) {
      if (/\.(js|d\.ts)$/.test(file) && existsSync(path.join(checkout, dir, file.replace(/(\.d\.ts|\.js)$/, '.ts')))) left.push(`${dir}/${file}`);
    }
  }
  assert.equal(left, [], 'what the pack compiled is removed after it');

  // As the README says, from the tarball's folder: npx installs it and runs its bin.
  const init = await run('npx', ['--yes', tarball!, 'init', 'lab'], { cwd: scratch, timeoutMs: 300_000 });
  assert.is(init.code, 0, init.output);
  assert.match(init.output, `npm install         # athanor from ${path.join(scratch, tarball!)}`);
  const generated = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8'));
  assert.equal(generated.dependencies, { athanor: `file:../${tarball}` });

  const installed = await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
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
  // Compiled JavaScript with declarations, not the TypeScript sources (the UI's sources stay, for bundlers).
  const files = (await run('tar', ['-tzf', path.join(scratch, tarball!)])).output.split('\n');
  assert.ok(files.includes('package/core/index.js') && files.includes('package/core/index.d.ts'), 'core/index.js and its declarations are packed');
  assert.ok(files.includes('package/core/testing/index.js') && files.includes('package/core/cli/templates/tsconfig.json.tpl'));
  assert.ok(files.some((file) => /^package\/dist\/pglite-[^/]+\.tar\.gz$/.test(file)), 'the template of a new PGlite folder is packed');
  // Kysely as one bundled file (its ~280 modules cost every storage command ~120 ms to load).
  assert.ok(files.includes('package/dist/vendor/kysely.js'), 'the Kysely bundle is packed');
  const pgliteBackend = await readFile(path.join(project, 'node_modules/athanor/storage/backends/pglite-backend.js'), 'utf8');
  assert.match(pgliteBackend, "from '../../dist/vendor/kysely.js'");
  assert.not.match(pgliteBackend, /from 'kysely(-pglite-dialect)?'/);
  const sources = files.filter((file) => /^package\/(core|plugins|storage)\/.*(?<!\.d)\.ts$/.test(file));
  assert.equal(sources, [], 'no TypeScript sources of the server are packed');
  assert.equal(manifest.exports['./testing'], { types: './core/testing/index.d.ts', default: './core/testing/index.js' });
  const checkoutManifest = JSON.parse(await readFile(path.join(checkout, 'package.json'), 'utf8'));
  assert.is(checkoutManifest.exports['./testing'].default, './core/testing/index.ts', 'packing gives the checkout back its manifest');
});

pack('npm test passes in the new project, as generated', async () => {
  const tested = await run(NPM, ['test'], { cwd: project });
  assert.is(tested.code, 0, tested.output);
  assert.match(tested.output, /# pass 3\n/);
  assert.match(tested.output, /# fail 0\n/);
});

pack('a plain .js test under node --test, with no loader, runs an experiment with athanor/testing', async () => {
  await writeFile(path.join(project, 'test/plain.test.js'), [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { runExperiment } from 'athanor/testing';",
    "const file = new URL('../experiments/my_experiment.ts', import.meta.url);",
    "test('in a child', async () => assert.equal((await runExperiment(file, { iterations: 2 })).status, 'completed'));",
    "test('in this process', async () => assert.equal((await runExperiment(file, { iterations: 2 }, { inProcess: true })).status, 'completed'));",
    '',
  ].join('\n'));
  try {
    const tested = await run(process.execPath, ['--test', 'test/plain.test.js'], { cwd: project });
    assert.match(tested.output, /# pass 2\n/, tested.output);
    assert.is(tested.code, 0, tested.output);
  } finally {
    await rm(path.join(project, 'test/plain.test.js'));
  }
});

pack('npx athanor run: the package’s run host imports experiments as ES modules see themselves (import.meta, dynamic import, top-level await)', async () => {
  // The package's host takes experiments through tsx's CommonJS hooks (no loader thread to
  // start), and through its ESM hooks a module CommonJS cannot take.
  const written = {
    'lib/where.ts': 'export const folderOf = (url: string): string => new URL(".", url).pathname;\n',
    'experiments/meta_check.ts': [
      "import { Definition, Runtime, type RunContext } from 'athanor';",
      "import { folderOf } from '../lib/where.ts';",
      "export const experiment = () => Definition.new().name('meta_check');",
      'export async function run(ctx: RunContext) {',
      "  Runtime.result(ctx, 'folder', folderOf(import.meta.url));",
      "  Runtime.result(ctx, 'filename', import.meta.filename);",
      "  throw new Error('failed on line 7');",
      '}',
      '',
    ].join('\n'),
    'experiments/awaits.ts': [
      "import { Definition, Runtime, type RunContext } from 'athanor';",
      'const answer: number = await Promise.resolve(42);',
      "console.log('top level ran');",
      "export const experiment = () => Definition.new().name('awaits');",
      "export async function run(ctx: RunContext) { Runtime.result(ctx, 'answer', answer); }",
      '',
    ].join('\n'),
    'experiments/dynamic.ts': [
      "import { Definition, Runtime, type RunContext } from 'athanor';",
      "console.log('top level ran');",
      "export const experiment = () => Definition.new().name('dynamic');",
      'export async function run(ctx: RunContext) {',
      "  const { folderOf } = await import('../lib/where.ts');",
      "  Runtime.result(ctx, 'folder', folderOf(import.meta.url));",
      "  Runtime.result(ctx, 'oneAthanor', (await import('athanor')).Runtime === Runtime);",
      "  Runtime.result(ctx, 'resolved', import.meta.resolve('athanor'));",
      '}',
      '',
    ].join('\n'),
  };
  await mkdir(path.join(project, 'lib'));
  for (const [file, text] of Object.entries(written)) await writeFile(path.join(project, file), text);
  try {
    const failed = await run('npx', ['athanor', 'run', 'meta_check', '--db', 'memory', '--json'], { cwd: project });
    assert.is(failed.code, 1, failed.output);
    const report = JSON.parse(failed.output.slice(failed.output.indexOf('{')));
    assert.equal(report.results, { folder: `${path.join(project, 'experiments')}/`, filename: path.join(project, 'experiments/meta_check.ts') });
    assert.match(report.error, `${path.join(project, 'experiments/meta_check.ts')}:7:9`);

    const awaited = await run('npx', ['athanor', 'run', 'awaits', '--db', 'memory'], { cwd: project });
    assert.is(awaited.code, 0, awaited.output);
    assert.match(awaited.output, /answer\s+42/);
    assert.is(awaited.output.split('top level ran').length, 2, `the module's top level ran once: ${awaited.output}`);

    const dynamic = await run('npx', ['athanor', 'run', 'dynamic', '--db', 'memory', '--json'], { cwd: project });
    assert.is(dynamic.code, 0, dynamic.output);
    assert.equal(JSON.parse(dynamic.output.slice(dynamic.output.indexOf('{'))).results, {
      folder: `${path.join(project, 'experiments')}/`,
      oneAthanor: true,
      resolved: pathToFileURL(await realpath(path.join(project, 'node_modules/athanor/core/index.js'))).href,
    });
    assert.is(dynamic.output.split('top level ran').length, 2, `the module's top level ran once: ${dynamic.output}`);
  } finally {
    for (const file of [...Object.keys(written), 'lib']) await rm(path.join(project, file), { recursive: true, force: true });
  }
});

pack('npm run typecheck passes in the new project, with only athanor and typescript installed', async () => {
  const checked = await run(NPM, ['run', 'typecheck'], { cwd: project });
  assert.is(checked.code, 0, checked.output);
  const removed = await run(NPM, ['uninstall', '@types/node', 'tsx', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeoutMs: 300_000 });
  assert.is(removed.code, 0, removed.output);
  const devDependencies = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')).devDependencies;
  assert.equal(Object.keys(devDependencies), ['typescript']);
  const alone = await run(NPM, ['run', 'typecheck'], { cwd: project });
  assert.is(alone.code, 0, alone.output);
});

pack('npx athanor dev serves the new project’s experiment', async () => {
  // Its own process group, so the workbench under npx is stopped with it.
  // A machine that never ran athanor: nothing cached. Its first PGlite folder starts from the
  // template the package ships (initdb would have kept one in the cache folder).
  const cache = path.join(scratch, 'fresh-cache');
  const child = spawn('npx', ['athanor', 'dev', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ATHANOR_CACHE_DIR: cache } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  // A project the first test failed to make: this test fails saying so, not the whole file.
  const failedToStart = new Promise<never>((_, reject) => child.on('error', (error) => reject(new Error(`npx athanor dev did not start in ${project}: ${error.message}`))));
  failedToStart.catch(() => {});
  try {
    const printed = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`athanor dev printed no URL in 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const found = output.match(/athanor workbench: (http:\/\/\S+)\n.*experiments: .*\(\d+ found\)/);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!.replace(/\/$/, ''));
        }
      });
    });
    const url = await Promise.race([printed, failedToStart]);
    assert.match(output, /experiments: .*lab[/\\]experiments \(1 found\)/);
    assert.ok(existsSync(path.join(project, '.athanor', 'db', 'PG_VERSION')), 'athanor dev made its PGlite folder');
    const cached = await readdir(cache).catch(() => []);
    assert.not.ok(cached.some((name) => name.startsWith('pglite-')), `a fresh machine ran initdb: the cache folder holds ${cached.join(', ')}`);
    const experiments = (await (await fetch(`${url}/api/experiments`)).json()) as { name: string; error?: unknown }[];
    assert.equal(experiments.map((e) => [e.name, e.error]), [['my_experiment', undefined]]);
    // The package's dev serves the UI it ships, built: Vite is for working on athanor's own UI.
    const page = await (await fetch(`${url}/`)).text();
    assert.not.match(page, '/@vite/client');
    assert.match(page, /<script type="module"[^>]* src="\/assets\/index-[^"]+\.js"/);
  } finally {
    if (child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
  }
});

pack.run();
