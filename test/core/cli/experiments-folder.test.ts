import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';
import { runAthanor, startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';

const STACK_LINE = /^\s+at /m;

/** inotify watches held by a process (a line per watch in its inotify descriptors' fdinfo). */
async function inotifyWatches(pid: number): Promise<number> {
  let count = 0;
  for (const fd of await readdir(`/proc/${pid}/fdinfo`)) {
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
  }
  return count;
}

async function stop(workbench: WorkbenchProcess): Promise<void> {
  workbench.child.kill('SIGTERM');
  await workbench.exited;
}

const test = suite('athanor: an experiments folder that cannot be read, or holds unreadable or needless parts');
let project: TempProject;
let experimentsDir: string;

test.before.each(async () => {
  project = await tempProject();
  experimentsDir = project.experimentsDir;
});
test.after.each(async () => {
  await chmod(experimentsDir, 0o755).catch(() => {});
  await chmod(join(experimentsDir, 'secret'), 0o755).catch(() => {});
  await project.remove();
});

test('an unreadable experiments folder: one line on stderr naming it and what to do, exit 2, for dev, run, list and types', async () => {
  await chmod(experimentsDir, 0o000);
  const message =
    `the experiments folder ${experimentsDir} cannot be read (permission denied): ` +
    'give read access to it, or pass --experiments DIR naming a folder you can read\n';
  const athanor = (args: string[]) => runAthanor([...args, '--experiments', experimentsDir, '--db', 'memory'], { permissions: 'enforced', timeoutMs: 60_000 });
  for (const command of [['dev', '--port', '0'], ['run', 'my_experiment']]) {
    const result = await athanor(command);
    assert.is(result.code, 2, `${command[0]}: ${result.stdout}${result.stderr}`);
    assert.is(result.stderr, `athanor: ${message}`, command[0]);
    assert.is(result.stdout, '', command[0]);
  }
  for (const command of [['list'], ['types']]) {
    const result = await athanor(command);
    assert.is(result.code, 2, `${command[0]}: ${result.stdout}${result.stderr}`);
    assert.is(result.stderr, `athanor: ${message}`, command[0]);
    assert.is(result.stdout, '', command[0]);
  }
  // With --json, stdout holds the error as JSON too.
  const json = await athanor(['list', '--json']);
  assert.is(json.code, 2);
  assert.equal(JSON.parse(json.stdout), { error: message.trimEnd() });
});

test('a file given as --experiments, or words a command takes no use for: one line naming it and what to pass, exit 2, nothing started', async () => {
  const file = join(experimentsDir, 'my_experiment.ts');
  await writeFile(file, 'export const x = 1;\n');
  const before = await readdir(experimentsDir);
  const fileMessage = `athanor: the experiments folder ${file} is a file, not a folder: pass the folder that holds it, --experiments ${experimentsDir}\n`;
  for (const command of [['dev', '--port', '0'], ['run', 'my_experiment'], ['list'], ['types']]) {
    const result = await runAthanor([...command, '--experiments', file, '--db', 'memory'], { timeoutMs: 60_000 });
    assert.is(result.code, 2, `${command[0]}: ${result.stdout}${result.stderr}`);
    assert.is(result.stderr, fileMessage, command[0]);
  }
  for (const command of ['list', 'types', 'dev', 'serve']) {
    const result = await runAthanor([command, experimentsDir, '--db', 'memory'], { timeoutMs: 60_000 });
    assert.is(result.code, 2, `${command}: ${result.stdout}${result.stderr}`);
    const out = command === 'types' ? ` (or --out ${experimentsDir} for where the .d.ts files go)` : '';
    assert.is(result.stderr, `athanor: ${command} takes no arguments, got ${JSON.stringify(experimentsDir)}; to name the experiments folder, pass --experiments ${experimentsDir}${out}\n`);
    assert.is(result.stdout, '', command);
  }
  // dev, serve and mcp open a database beside the folder: refused before it is made.
  const projectDb = project.pglite.slice('pglite:'.length);
  for (const command of [['dev', '--port', '0'], ['serve', '--port', '0'], ['mcp']]) {
    const result = await runAthanor([...command, '--experiments', file, '--db', project.pglite], { timeoutMs: 60_000 });
    assert.is(result.code, 2, `${command[0]}: ${result.stdout}${result.stderr}`);
    assert.is(result.stderr, fileMessage, command[0]);
    assert.not.ok(existsSync(projectDb), `${command[0]} made ${projectDb} before refusing the folder`);
  }
  const mcp = await runAthanor(['mcp', 'extra', '--db', 'memory'], { timeoutMs: 60_000 });
  assert.equal([mcp.code, mcp.stderr], [2, `athanor: mcp takes no arguments, got "extra"; to name the experiments folder, pass --experiments extra\n`]);
  const out = await runAthanor(['types', '--out', file, '--experiments', experimentsDir], { timeoutMs: 60_000 });
  assert.equal([out.code, out.stderr], [2, `athanor: --out ${file} is a file, not a folder: give the folder the .d.ts files go in\n`]);
  for (const command of ['list', 'types', 'migrate']) {
    const help = await runAthanor([command, '--help', '--experiments', experimentsDir], { timeoutMs: 60_000 });
    assert.equal([help.code, help.stdout.startsWith(`athanor ${command}`)], [0, true], `${command} --help: ${help.stdout}`);
  }
  // The commands people run most say what each option does (it was the usage line only), and --version answers.
  for (const command of ['run', 'sweep', 'dev']) {
    const help = await runAthanor([command, '--help'], { timeoutMs: 60_000 });
    assert.is(help.code, 0, help.stderr);
    for (const option of command === 'dev' ? ['--port N', '--host ADDR', '--runs MODE', '--db SPEC'] : ['--set key=value', '--json', '--db SPEC']) {
      assert.match(help.stdout, new RegExp(`\\n  ${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\S`), `${command} --help describes ${option}`);
    }
  }
  const version = await runAthanor(['--version'], { timeoutMs: 60_000 });
  const { version: packageVersion } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8'));
  assert.equal([version.code, version.stdout], [0, `athanor ${packageVersion} (Node ${process.versions.node})\n`]);
  const migrate = await runAthanor(['migrate', 'now', '--db', 'memory'], { timeoutMs: 60_000 });
  assert.equal([migrate.code, migrate.stderr], [2, 'athanor: migrate takes no arguments, got "now"\n']);
  assert.equal(await readdir(experimentsDir), before, 'no types written, nothing else made');
});

test('an unreadable subfolder is skipped quietly: the workbench starts, lists and hot-reloads the rest', async () => {
  await mkdir(join(experimentsDir, 'secret', 'deep'), { recursive: true });
  await writeFile(join(experimentsDir, 'secret', 'deep', 'hidden.ts'), await readFile(join(experimentsDir, 'my_experiment.ts')));
  await chmod(join(experimentsDir, 'secret'), 0o000);
  const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', 'memory'], { permissions: 'enforced' });
  try {
    const names = async () => ((await workbench.api('GET', '/api/experiments')) as { name: string }[]).map((e) => e.name).sort();
    assert.equal(await names(), ['kernel_fixture', 'my_experiment']);
    // A new experiment beside the unreadable folder is still picked up.
    await mkdir(join(experimentsDir, 'more'));
    const source = (await readFile(join(experimentsDir, 'my_experiment.ts'), 'utf8')).replace("name('my_experiment')", "name('added_later')");
    await writeFile(join(experimentsDir, 'more', 'added.ts'), source);
    await until(async () => (await names()).includes('added_later'), 'added_later to be listed');
    assert.not.match(workbench.output(), 'EACCES');
    assert.not.match(workbench.output(), STACK_LINE);
  } finally {
    await stop(workbench);
  }
});

test('at start, each experiment that does not load is named in the terminal with its first line of error', async () => {
  await writeFile(join(experimentsDir, 'broken.ts'), "import { missing } from './nowhere.ts';\nexport function experiment() { return missing; }\nexport function run() {}\n");
  const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', 'memory']);
  try {
    // Printed right after the URL the helper waits for.
    await until(() => /broken\.ts does not load/.test(workbench.output()), 'the broken experiment to be named');
    assert.match(workbench.output(), /experiments: .* \(3 found\)/);
    assert.match(workbench.output(), /\n {2}broken\.ts does not load: .*nowhere/);
    assert.not.match(workbench.output(), /my_experiment\.ts does not load/);
  } finally {
    await stop(workbench);
  }
});

test('--experiments / is refused in one line, exit 2, before anything walks or watches the machine', async () => {
  const result = await runAthanor(['dev', '--port', '0', '--experiments', '/', '--db', 'memory'], { permissions: 'enforced', timeoutMs: 120_000 });
  assert.is(result.code, 2, result.stdout + result.stderr.slice(0, 2000));
  assert.is(
    result.stderr,
    'athanor: the experiments folder / holds more than 10,000 folders (node_modules and dot-folders aside): ' +
      'is it the right folder? Pass --experiments DIR naming the folder of your experiments\n',
  );
  assert.is(result.stdout, '');
});

/** inotify watches of `athanor dev` over the experiments folder, once started. */
async function watchesOfWorkbench(): Promise<number> {
  const workbench = await startWorkbenchProcess(['--experiments', experimentsDir, '--db', 'memory']);
  try {
    // Vite and the experiments' watcher add their watches while the workbench serves: count once they settle.
    let count = await inotifyWatches(workbench.child.pid!);
    for (let same = 0; same < 3; ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = await inotifyWatches(workbench.child.pid!);
      same = now === count ? same + 1 : 0;
      count = now;
    }
    return count;
  } finally {
    await stop(workbench);
  }
}

test('the watcher watches folders and source files only, not the data beside them', async () => {
  const baseline = await watchesOfWorkbench(); // Vite watches the UI's sources too
  await mkdir(join(experimentsDir, 'data'));
  await Promise.all(Array.from({ length: 1_500 }, (_, i) => writeFile(join(experimentsDir, 'data', `sample-${i}.csv`), `${i}\n`)));
  await mkdir(join(experimentsDir, 'node_modules', 'pkg'), { recursive: true });
  await writeFile(join(experimentsDir, 'node_modules', 'pkg', 'index.js'), 'export {};\n');
  const watches = await watchesOfWorkbench();
  assert.ok(watches - baseline <= 5, `${watches - baseline} more inotify watches for 1,500 data files (${baseline} without them)`);
});

test.run();
