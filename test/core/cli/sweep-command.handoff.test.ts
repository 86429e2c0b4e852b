/**
 * `athanor sweep` beside `athanor dev` on the same embedded database: the sweep is handed
 * to the workbench (its instances and runs show in the open UI) and followed in the
 * terminal as a local sweep is — lines, the table, the exit code, Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyMigratedPglite } from '../../helpers/databases.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';
import { runAthanor, startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';
import { athanorBin } from '../../helpers/athanor-command.ts';

const handoff = suite('athanor sweep beside athanor dev: the workbench runs it');
let project: TempProject;
let workbench: WorkbenchProcess;

handoff.before(async () => {
  project = await tempProject('athanor-sweep-handoff-');
  await project.addExperiment('sweep_fixture.ts', await readFile(new URL('../../fixtures/compare/sweep_fixture.ts', import.meta.url), 'utf8'));
  // A migrated copy: the workbench opens it at once instead of paying an initdb (what is tested is the handoff).
  await copyMigratedPglite(project.pglite.slice('pglite:'.length));
  workbench = await startWorkbenchProcess(['--experiments', project.experimentsDir, '--db', project.pglite]);
});
handoff.after(async () => {
  if (workbench && workbench.child.exitCode === null && workbench.child.signalCode === null) {
    workbench.child.kill('SIGTERM');
    await workbench.exited;
  }
  await project.remove();
});

const args = (rest: string[]) => ['sweep', 'sweep_fixture', ...rest, '--experiments', project.experimentsDir, '--db', project.pglite];

handoff('a sweep is handed to the workbench: its runs there, their lines and the table here, exit 1 for a failed run', async () => {
  const result = await runAthanor(args(['--grid', 'model=small,large', '--grid', 'fail=false,true', '--name', 'h']), { timeoutMs: 180_000 });
  assert.is(result.code, 1, result.stderr);
  const instances = await workbench.api('GET', '/api/instances?experiment=sweep_fixture&q=h · &sort=name');
  assert.equal(instances.map((i: { name: string }) => i.name), ['h · model=large · fail=false', 'h · model=large · fail=true', 'h · model=small · fail=false', 'h · model=small · fail=true']);
  const runIds = instances.map((i: { latestRun: { id: string } }) => i.latestRun.id);
  assert.match(result.stderr, `is held by the workbench at ${workbench.url} (process ${workbench.child.pid}): sweeping there, 4 runs, as ${workbench.url}/compare?runs=`);
  for (const id of runIds) assert.match(result.stderr, id);
  assert.match(result.stdout, '[failed] h · model=large · fail=true: Error: failed on request (model large)\n');
  const end = result.stdout.slice(result.stdout.indexOf('sweep of 4 runs'));
  assert.is(
    end,
    [
      'sweep of 4 runs: 2 completed, 2 failed',
      `${'instance'.padEnd(28)}  status     model  fail   accuracy  loss`,
      'h · model=small · fail=false  completed  small  false  0.8       0.5',
      'h · model=small · fail=true   failed     small  true             0.5',
      'h · model=large · fail=false  completed  large  false  0.9       0.25',
      'h · model=large · fail=true   failed     large  true             0.25',
      'failed: h · model=small · fail=true: Error: failed on request (model small)',
      'failed: h · model=large · fail=true: Error: failed on request (model large)',
      '',
    ].join('\n'),
  );

  const json = await runAthanor(args(['--grid', 'steps=1,2', '--name', 'j', '--json']), { timeoutMs: 120_000 });
  assert.is(json.code, 0, json.stderr);
  const printed = JSON.parse(json.stdout);
  assert.equal(printed.runs.map((r: { instance: string; status: string; metrics: object }) => [r.instance, r.status, r.metrics]), [
    ['j · steps=1', 'completed', { accuracy: 0.8, loss: 2 }],
    ['j · steps=2', 'completed', { accuracy: 0.8, loss: 1 }],
  ]);
  assert.equal(printed.instances.map((i: { runCounts: { completed: number } }) => i.runCounts.completed), [1, 1], 'the instances as they are at the end');
});

handoff('bad input is refused before anything is created in the workbench (exit 2)', async () => {
  const before = (await workbench.api('GET', '/api/instances')).length;
  for (const [rest, message] of [
    [['--grid', 'sampling.temperature=1,9'], 'config.sampling.temperature: 9 is above the maximum 2 (in the combination sampling.temperature=9)'],
    [['--grid', 'colour=red'], 'grid.colour is not a field of this experiment'],
    [['--grid', 'steps=1..11', '--grid', 'delay_ms=0..99'], 'the grid has 1100 combinations'],
    [['--grid', 'model=small', '--grid', 'fail=true,false', '--name', 'h'], '2 instances of "sweep_fixture" already have the names "h · model=small · fail=true", "h · model=small · fail=false"'],
  ] as [string[], string][]) {
    const result = await runAthanor(args(rest), { timeoutMs: 60_000 });
    assert.is(result.code, 2, `${rest.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  assert.is((await workbench.api('GET', '/api/instances')).length, before, 'nothing was created');
});

handoff('Ctrl-C cancels the sweep\'s runs in the workbench and exits 130', async () => {
  const child = spawn(process.execPath, [await athanorBin(), ...args(['--grid', 'model=small,large', '--grid', 'fail=false,true', '--set', 'steps=400', '--set', 'delay_ms=50', '--name', 'c'])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('runs (2 model × 2 fail)') && !child.killed) child.kill('SIGINT');
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 130, stderr);
  assert.match(stdout, /sweep of 4 runs: 4 cancelled\n/);
  const instances = await until(async () => {
    const listed = await workbench.api('GET', '/api/instances?experiment=sweep_fixture&q=c · ');
    return listed.every((i: { latestRun: { status: string } }) => i.latestRun.status === 'cancelled') ? listed : undefined;
  }, 'the runs to be cancelled in the workbench');
  assert.is(instances.length, 4);
});

handoff.run();
