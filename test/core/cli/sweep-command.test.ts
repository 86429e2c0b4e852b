/**
 * `athanor sweep` as a user runs it: every combination run, the table at the end, --json,
 * the exit codes (0 all completed, 1 some failed, 2 bad input, 130 Ctrl-C), and a sweep on
 * a database file that bad input never creates (checked before any database opens).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { athanorBin } from '../../helpers/athanor-command.ts';

const BIN = await athanorBin();
const FIXTURE = new URL('../../fixtures/compare/sweep_fixture.ts', import.meta.url);
const cli = suite('athanor sweep: every combination, a table at the end, exit codes, Ctrl-C');
let project: TempProject;

cli.before(async () => {
  project = await tempProject('athanor-sweep-');
  await project.addExperiment('sweep_fixture.ts', await readFile(FIXTURE, 'utf8'));
});
cli.after(async () => {
  await project.remove();
});

function athanor(args: string[], options: { db?: string; interruptAfter?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'sweep', ...args, '--experiments', project.experimentsDir, '--db', options.db ?? 'memory'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

cli('runs every combination and ends with a table of instance, status, the grid fields and the latest metrics; exit 0', async () => {
  const result = await athanor(['sweep_fixture', '--grid', 'model=small,large', '--grid', 'sampling.temperature=0.1..0.5:0.4', '--set', 'steps=3', '--name', 'lr']);
  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.is(lines[0], 'sweep "lr" of sweep_fixture: 4 runs (2 model × 2 sampling.temperature)');
  assert.equal(lines.filter((line) => line.startsWith('[completed] ')).sort(), [
    '[completed] lr · model=large · sampling.temperature=0.1',
    '[completed] lr · model=large · sampling.temperature=0.5',
    '[completed] lr · model=small · sampling.temperature=0.1',
    '[completed] lr · model=small · sampling.temperature=0.5',
  ]);
  const end = result.stdout.slice(result.stdout.indexOf('sweep of 4 runs'));
  assert.is(
    end,
    [
      'sweep of 4 runs: 4 completed',
      'instance                                     status     model  sampling.temperature  accuracy  loss',
      'lr · model=small · sampling.temperature=0.1  completed  small  0.1                   0.8       0.4',
      'lr · model=small · sampling.temperature=0.5  completed  small  0.5                   0.8       0.6667',
      'lr · model=large · sampling.temperature=0.1  completed  large  0.1                   0.9       0.2',
      'lr · model=large · sampling.temperature=0.5  completed  large  0.5                   0.9       0.3333',
      '',
    ].join('\n'),
  );
});

cli('--json prints one object {instances, runs: [{id, instance, status, configuration, metrics}]}; a failed run makes it exit 1', async () => {
  const result = await athanor(['sweep_fixture', '--grid', 'fail=false,true', '--name', 'f', '--json']);
  assert.is(result.code, 1, result.stderr);
  const printed = JSON.parse(result.stdout);
  assert.equal(Object.keys(printed), ['instances', 'runs']);
  assert.equal(printed.instances.map((i: { name: string }) => i.name), ['f · fail=false', 'f · fail=true']);
  assert.equal(printed.instances.map((i: { runCounts: { completed: number; failed: number; pending: number } }) => [i.runCounts.completed, i.runCounts.failed, i.runCounts.pending]), [[1, 0, 0], [0, 1, 0]], 'the instances as they are at the end');
  const [ok, failed] = printed.runs;
  assert.equal(Object.keys(ok), ['id', 'instance', 'instanceId', 'status', 'error', 'configuration', 'metrics']);
  assert.equal([ok.instance, ok.status, ok.error, ok.metrics], ['f · fail=false', 'completed', null, { accuracy: 0.8, loss: 0.5 }]);
  assert.equal(ok.configuration, { model: 'small', steps: 4, fail: false, delay_ms: 0, sampling: { temperature: 0.5 } });
  assert.equal([failed.status, failed.metrics], ['failed', { loss: 0.5 }]);
  assert.match(failed.error, 'failed on request (model small)');
  // What goes on while it runs is on stderr, so stdout is the one object.
  assert.match(result.stderr, '[failed] f · fail=true: Error: failed on request (model small)\n');
});

cli('bad input exits 2 naming the field, the value or the rule, and creates nothing', async () => {
  const db = `${project.pglite}-bad`;
  const cases: [string[], string | RegExp][] = [
    [['sweep_fixture', '--grid', 'model=small,huge'], 'config.model: "huge" is not one of "small", "large" (in the combination model=huge)'],
    [['sweep_fixture', '--grid', 'sampling.temperature=0.5,3'], 'config.sampling.temperature: 3 is above the maximum 2 (in the combination sampling.temperature=3)'],
    [['sweep_fixture', '--grid', 'temprature=1'], 'grid.temprature is not a field of this experiment'],
    [['sweep_fixture', '--grid', 'steps=1,abc'], '--grid steps=1,abc: "abc" is not a number'],
    [['sweep_fixture', '--grid', 'steps=1..2000'], '--grid steps=1..2000: 1..2000 gives 2000 values, more than the 1000 a sweep may have'],
    [['sweep_fixture', '--grid', 'steps=1..50', '--grid', 'delay_ms=0..20'], 'the grid has 1050 combinations (50 steps × 21 delay_ms), more than the 1000 a sweep may have'],
    [['sweep_fixture', '--grid', 'steps'], '--grid expects field=values'],
    [['sweep_fixture', '--grid', 'steps=1', '--grid', 'steps=2'], '--grid steps is given twice: list all its values in one --grid'],
    [['sweep_fixture'], 'which fields should the sweep vary? give at least one --grid field=values'],
    [['sweep_fixture', '--grid', 'steps=1', '--set', 'model'], '--set expects key=value, got "model"'],
    [['sweep_fixture', '--grid', 'steps=1,2', '--set', 'sampling.temperature=5'], 'config.sampling.temperature: 5 is above the maximum 2 (in every combination)'],
    // A field both set and swept: the grid would win silently.
    [['sweep_fixture', '--grid', 'steps=1,2', '--set', 'steps=3'], 'athanor: --set steps=3 and --grid steps=1,2 both give steps: a swept field takes its values from --grid only; drop the --set\n'],
    [['sweep_fixture', '--grid', 'sampling.temperature=0.1', '--set', 'sampling={"temperature":1}'], '--set sampling={"temperature":1} and --grid sampling.temperature=0.1 both give sampling.temperature'],
    [['sweep_fixtur', '--grid', 'steps=1'], 'unknown experiment "sweep_fixtur"; did you mean "sweep_fixture"?'],
    // Named with the options there are (Node's own message left a quote open, user test).
    [['sweep_fixture', '--grid', 'steps=1', '--bogus'], /athanor: unknown option --bogus; known: --experiments, --db, --help, (--[a-z-]+, )*--grid(, --[a-z-]+)*\n/],
  ];
  // Each on a fresh in-memory database; two on a database file, checked not to exist after.
  for (const [i, [args, message]] of cases.entries()) {
    const result = await athanor(args, i < 2 ? { db } : {});
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
    assert.is(result.stdout, '', 'nothing ran');
  }
  // Checked before any database opened: not even the PGlite folder was made.
  assert.not.ok(existsSync(db.slice('pglite:'.length)), `bad input created the database folder ${db}`);
  // With --json, stdout holds one JSON object: the error.
  const json = await athanor(['sweep_fixture', '--grid', 'steps=1,abc', '--json']);
  assert.is(json.code, 2);
  assert.equal(JSON.parse(json.stdout), { error: '--grid steps=1,abc: "abc" is not a number' });
});

cli('a taken name is refused (exit 2) naming it', async () => {
  const db = `${project.pglite}-taken`;
  const first = await athanor(['sweep_fixture', '--grid', 'steps=1', '--name', 'same'], { db });
  assert.is(first.code, 0, first.stderr);
  const again = await athanor(['sweep_fixture', '--grid', 'steps=1,2', '--name', 'same'], { db });
  assert.is(again.code, 2);
  assert.match(again.stderr, 'already has the name "same · steps=1": give the sweep another name');
});

cli('Ctrl-C cancels every run of the sweep, running and waiting, and exits 130', async () => {
  const result = await athanor(['sweep_fixture', '--grid', 'model=small,large', '--grid', 'fail=false,true', '--set', 'steps=200', '--set', 'delay_ms=50'], {
    interruptAfter: 'runs (2 model × 2 fail)',
  });
  assert.is(result.code, 130, result.stderr);
  assert.match(result.stdout, "cancelling the sweep's runs");
  const end = result.stdout.slice(result.stdout.indexOf('sweep of 4 runs'));
  assert.match(end, /^sweep of 4 runs: 4 cancelled\n/);
});

cli.run();
