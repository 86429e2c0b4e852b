/**
 * `athanor run` beside `athanor dev` on the same embedded database (the README's first
 * example): the run is handed to the workbench over its HTTP API and shows in the
 * terminal as a local run does — logs, the end, the results, the exit code, Ctrl-C — while
 * the workbench (and its open UI) has the run. A workbench that is gone leaves a lock that
 * no longer counts: the run happens here, as before.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyMigratedPglite } from '../../helpers/databases.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { runAthanor, startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';
import { athanorBin } from '../../helpers/athanor-command.ts';

const FLAKY = fileURLToPath(new URL('../../fixtures/retries/flaky_fixture.ts', import.meta.url));
const handoff = suite('athanor run beside athanor dev: the workbench runs it');
let project: TempProject;
let workbench: WorkbenchProcess;

handoff.before(async () => {
  project = await tempProject('athanor-handoff-');
  await project.addExperiment('flaky_fixture.ts', await readFile(FLAKY, 'utf8'));
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

const athanor = (args: string[]) => runAthanor([...args, '--experiments', project.experimentsDir, '--db', project.pglite], { timeoutMs: 120_000 });
const runIdOf = (stdout: string) => /^run (\S+) /m.exec(stdout)?.[1];

handoff('a run is handed to the workbench: its logs, its end and results here, the run there', async () => {
  const result = await athanor(['run', 'my_experiment', '--set', 'iterations=3']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\[info\] Running iteration 1\n\[info\] Running iteration 2\n\[info\] Running iteration 3\nrun \S+ completed\nresults:\n {2}iteration_1 {2}\{/);
  const runId = runIdOf(result.stdout)!;
  assert.match(result.stderr, `is held by the workbench at ${workbench.url} (process ${workbench.child.pid}): running there, as ${workbench.url}/runs/${runId}`);

  const run = await workbench.api('GET', `/api/runs/${runId}`);
  assert.is(run.status, 'completed');
  assert.is((await workbench.api('GET', `/api/runs/${runId}/logs`)).items.length, 3);
  const [instance] = await workbench.api('GET', '/api/instances?experiment=my_experiment');
  assert.is(instance.id, run.instanceId);
  assert.equal(instance.configuration, { iterations: 3 });
});

handoff('the same exit codes and --json as a local run; bad input is refused before anything is written', async () => {
  const failed = await athanor(['run', 'kernel_fixture', '--set', 'mode=fail']);
  assert.is(failed.code, 1, failed.stderr);
  assert.match(failed.stdout, /\[info\] mode fail\nrun \S+ failed: API quota exceeded\n$/);

  const json = await athanor(['run', 'kernel_fixture', '--set', 'mode=complete', '--set', 'count=2', '--json']);
  assert.is(json.code, 0, json.stderr);
  const printed = JSON.parse(json.stdout);
  assert.equal(Object.keys(printed), ['runId', 'status', 'error', 'results', 'configuration', 'codeHash', 'environment', 'attempt', 'retries', 'retryOf']);
  assert.equal([printed.status, printed.error, printed.results], ['completed', null, { r1: { i: 1 }, r2: { i: 2 } }]);

  const instances = (await workbench.api('GET', '/api/instances')).length;
  const typo = await athanor(['run', 'kernel_fixtur']);
  assert.is(typo.code, 2);
  assert.match(typo.stderr, 'unknown experiment "kernel_fixtur"; did you mean "kernel_fixture"?');
  const outOfRange = await athanor(['run', 'my_experiment', '--set', 'iterations=1000']);
  assert.is(outOfRange.code, 2);
  assert.match(outOfRange.stderr, 'config.iterations: 1000 is above the maximum 100');
  assert.is((await workbench.api('GET', '/api/instances')).length, instances, 'nothing was written for bad input');

  const first = await athanor(['run', 'kernel_fixture', '--instance', 'shared', '--set', 'count=1']);
  const again = await athanor(['run', 'kernel_fixture', '--instance', 'shared']);
  assert.equal([first.code, again.code], [0, 0], first.stderr + again.stderr);
  const shared = (await workbench.api('GET', '/api/instances?experiment=kernel_fixture')).filter((i: { name: string }) => i.name === 'shared');
  assert.equal(shared.map((i: { runCounts: { completed: number } }) => i.runCounts.completed), [2]);
});

handoff('a run that retries is followed through its attempts in the workbench; the last one is reported', async () => {
  const result = await athanor(['run', 'flaky_fixture', '--set', 'fail_until=1', '--json']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stderr, /attempt 1 of 3 failed \(Error: attempt 1 failed\); retrying as run \S+ \(attempt 2\)/);
  const printed = JSON.parse(result.stdout);
  assert.equal([printed.status, printed.attempt, printed.results], ['completed', 2, { attempt: 2 }]);
  assert.is((await workbench.api('GET', `/api/runs/${printed.retryOf}`)).retriedBy, printed.runId);
});

handoff('Ctrl-C cancels the run in the workbench and exits 130', async () => {
  const child = spawn(process.execPath, [await athanorBin(), 'run', 'kernel_fixture', '--set', 'mode=cooperative', '--experiments', project.experimentsDir, '--db', project.pglite], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (!interrupted && stdout.includes('[info] mode cooperative')) {
      interrupted = true;
      child.kill('SIGINT'); // once, as a user presses Ctrl-C
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 130, stdout + stderr);
  assert.match(stdout, /cancelling the run \(Ctrl-C again to stop waiting for it\)…\nrun \S+ cancelled/);
  const run = await workbench.api('GET', `/api/runs/${runIdOf(stdout)}`);
  assert.is(run.status, 'cancelled');
});

handoff('a workbench serving another experiments folder is not handed the run: exit 2 naming both', async () => {
  const elsewhere = await tempProject('athanor-elsewhere-');
  try {
    const result = await runAthanor(['run', 'my_experiment', '--experiments', elsewhere.experimentsDir, '--db', project.pglite]);
    assert.is(result.code, 2, result.stderr);
    assert.match(result.stderr, `the workbench at ${workbench.url} (process ${workbench.child.pid}) holds it, and serves the experiments in ${project.experimentsDir}, not ${elsewhere.experimentsDir}`);
  } finally {
    await elsewhere.remove();
  }
});

handoff('a file or a missing folder as --experiments is refused as such, not as a folder the workbench does not serve', async () => {
  const file = join(project.experimentsDir, 'flaky_fixture.ts');
  for (const command of [['run', 'flaky_fixture'], ['sweep', 'flaky_fixture', '--grid', 'fail_until=0']]) {
    const result = await runAthanor([...command, '--experiments', file, '--db', project.pglite]);
    assert.is(result.code, 2, result.stderr);
    assert.is(result.stderr, `athanor: the experiments folder ${file} is a file, not a folder: pass the folder that holds it, --experiments ${project.experimentsDir}\n`);
  }
  const missing = await runAthanor(['run', 'flaky_fixture', '--experiments', join(project.root, 'nope'), '--db', project.pglite]);
  assert.equal([missing.code, missing.stderr], [2, `athanor: the experiments folder ${join(project.root, 'nope')} does not exist: create it or pass --experiments DIR\n`]);
});

handoff('the lock of a workbench that was killed does not count: the run happens here, as before', async () => {
  workbench.child.kill('SIGKILL');
  await workbench.exited;
  const result = await athanor(['run', 'my_experiment', '--set', 'iterations=2']);
  assert.is(result.code, 0, result.stderr);
  assert.not.match(result.stderr, 'held by the workbench');
  assert.match(result.stdout, /\[info\] Running iteration 2\nrun \S+ completed\n/);
});

handoff.run();
