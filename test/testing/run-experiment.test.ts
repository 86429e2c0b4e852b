/**
 * runExperiment: what a test author sees — status, error, logs, results, progress — for
 * each way a run ends, in a child process and in this process; and clear errors for bad
 * input.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigValidationError, runExperiment, type ExperimentOutcome } from '../../core/testing/index.ts';
import { createWorkbench } from '../../core/workbench.ts';
import * as myExperiment from '../../experiments/my_experiment.ts';
import * as kernelFixture from '../fixtures/kernel/kernel_fixture.ts';

const MY_EXPERIMENT = 'experiments/my_experiment.ts';
const FIXTURE = new URL('../fixtures/kernel/kernel_fixture.ts', import.meta.url);

/** This process's children other than tools (tsx's esbuild service, ps itself): run hosts left behind would show here. */
function leftoverChildren(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/\/esbuild |^\d+ ps /.test(line));
}

const messages = (outcome: ExperimentOutcome) => outcome.logs.map((entry) => `${entry.level} ${entry.message}`);

const basics = suite('runExperiment: a run and what it recorded');

// Children already here (the browser suites' shared Chromium, when every suite runs in one
// process) are not this suite's.
let before = new Set<string>();
basics.before(() => {
  before = new Set(leftoverChildren());
});
// One run host stays, idle and warm, for the next child run (it does not keep the process alive).
basics.after.each(() => {
  const left = leftoverChildren().filter((line) => !before.has(line));
  const hosts = left.filter((line) => line.includes('run-host-entry'));
  assert.ok(hosts.length <= 1, `one warm run host at most, found ${hosts.length}: ${hosts.join('; ')}`);
  assert.equal(left.filter((line) => !line.includes('run-host-entry')), []);
});

basics('a path runs in a child process and resolves with status, logs, results and progress', async () => {
  const outcome = await runExperiment(MY_EXPERIMENT, { iterations: 3 });
  assert.is(outcome.status, 'completed');
  assert.is(outcome.error, null);
  assert.equal(messages(outcome), ['info Running iteration 1', 'info Running iteration 2', 'info Running iteration 3']);
  assert.equal(Object.keys(outcome.results), ['iteration_1', 'iteration_2', 'iteration_3']);
  assert.is(outcome.results.iteration_2.iteration, 2);
  assert.equal(outcome.progress, { current: 3, total: 3 });
  assert.is(outcome.run.status, 'completed');
  assert.match(outcome.run.codeHash ?? '', /^[0-9a-f]{64}$/);
  assert.is(outcome.run.resultCount, 3);
});

basics('a module object runs in this process with the same outcome', async () => {
  const outcome = await runExperiment(myExperiment, { iterations: 3 });
  assert.is(outcome.status, 'completed');
  assert.equal(messages(outcome), ['info Running iteration 1', 'info Running iteration 2', 'info Running iteration 3']);
  assert.equal(Object.keys(outcome.results), ['iteration_1', 'iteration_2', 'iteration_3']);
  assert.equal(outcome.progress, { current: 3, total: 3 });
  assert.is(outcome.run.codeHash, 'module');
});

basics('defaults apply when no configuration is given', async () => {
  const outcome = await runExperiment(myExperiment);
  assert.is(Object.keys(outcome.results).length, 10);
});

basics('the run records the configuration, code hash and environment a workbench run of the same file records', async () => {
  const outcome = await runExperiment(MY_EXPERIMENT, { iterations: 2 });
  assert.equal(outcome.run.configuration, { iterations: 2 });
  assert.match(outcome.run.codeHash ?? '', /^[0-9a-f]{64}$/);
  const workbench = await createWorkbench({ experimentsDir: 'experiments', database: 'memory', watch: false });
  try {
    const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'same', configuration: { iterations: 2 } });
    const run = await workbench.experiments.createRun(instance.id);
    await workbench.experiments.startRun(run.id);
    const ran = await workbench.experiments.waitForRun(run.id);
    assert.equal([ran.configuration, ran.codeHash], [outcome.run.configuration, outcome.run.codeHash]);
    // Where it ran too (read once per process for the same code: the next run has its own copy).
    assert.equal(outcome.run.environment, ran.environment);
    const again = await runExperiment(MY_EXPERIMENT, { iterations: 1 }, { inProcess: true });
    assert.equal(again.run.environment, outcome.run.environment);
    assert.is.not(again.run.environment, outcome.run.environment);
  } finally {
    await workbench.close();
  }
});

basics('a path runs in this process with inProcess: true', async () => {
  const outcome = await runExperiment(FIXTURE, { mode: 'complete', count: 2 }, { inProcess: true });
  assert.is(outcome.status, 'completed');
  assert.equal(outcome.results, { r1: { i: 1 }, r2: { i: 2 } });
});

basics('a repeated result key keeps every value in series and the last in results', async () => {
  const outcome = await runExperiment('experiments/long_running.ts', { steps: 20, step_ms: 0 }, { inProcess: true });
  assert.is(outcome.series.loss?.length, 2);
  assert.is(outcome.results.loss, outcome.series.loss?.[1]);
});

for (const inProcess of [false, true]) {
  const where = inProcess ? 'in this process' : 'in a child process';

  basics(`${where}: a thrown error fails the run with its message and stack`, async () => {
    const outcome = await runExperiment(FIXTURE, { mode: 'throw' }, { inProcess });
    assert.is(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /^Error: boom from the experiment\n\s+at .*kernel_fixture\.ts/);
    // The experiment's frames, not athanor's that called it (nor, in this process, the test's).
    assert.not.match(outcome.error ?? '', /execute-run|run-host-entry|run-experiment|in-process-dispatcher/);
    assert.equal(messages(outcome), ['info mode throw']);
  });

  basics(`${where}: Runtime.fail fails the run with its message`, async () => {
    const outcome = await runExperiment(FIXTURE, { mode: 'fail' }, { inProcess });
    assert.is(outcome.status, 'failed');
    assert.is(outcome.error, 'API quota exceeded');
  });

  basics(`${where}: console output becomes logs (stdout as info, stderr as error)`, async () => {
    const outcome = await runExperiment(FIXTURE, { mode: 'print' }, { inProcess });
    assert.is(outcome.status, 'completed');
    const printed = outcome.logs.filter((entry) => (entry.metadata as { stream?: string } | null)?.stream);
    assert.equal(
      printed.map((entry) => `${entry.level} ${entry.message}`).sort(),
      ['error hello from stderr', 'info hello from stdout'],
    );
  });

  basics(`${where}: cancelAfter milliseconds cancels a run that checks for cancellation`, async () => {
    const outcome = await runExperiment(FIXTURE, { mode: 'cooperative', delay_ms: 10 }, { inProcess, cancelAfter: 150 });
    assert.is(outcome.status, 'cancelled');
    // Exactly this: a run the ladder had to terminate would say so after a "; ".
    assert.is(outcome.error, "cancelled by runExperiment's cancelAfter: 150 ms");
  });

  basics(`${where}: cancelAfter { progress } cancels once progress reaches it`, async () => {
    const outcome = await runExperiment('experiments/long_running.ts', { steps: 100, step_ms: 10 }, { inProcess, cancelAfter: { progress: 5 } });
    assert.is(outcome.status, 'cancelled');
    assert.match(outcome.error ?? '', /^cancelled by runExperiment's cancelAfter: progress reached \d+$/);
    assert.ok(outcome.progress!.current >= 5 && outcome.progress!.current < 100, `stopped at ${outcome.progress?.current}`);
  });

  basics(`${where}: timeout fails a run that takes too long`, async () => {
    const outcome = await runExperiment(FIXTURE, { mode: 'cooperative', delay_ms: 10 }, { inProcess, timeout: 200 });
    assert.is(outcome.status, 'failed');
    assert.is(outcome.error, 'timeout: the run exceeded its limit of 200 ms');
  });
}

basics('in a child process, process.exit() fails the run and spares the test process', async () => {
  const outcome = await runExperiment(FIXTURE, { mode: 'exit' });
  assert.is(outcome.status, 'failed');
  assert.match(outcome.error ?? '', /process\.exit\(3\)/);
});

basics.run();

const input = suite('runExperiment: bad input is refused, naming what was wrong');

input('an invalid configuration rejects with the workbench’s ConfigValidationError', async () => {
  const error = (await runExperiment(myExperiment, { iterations: 1000 }).catch((e: unknown) => e)) as ConfigValidationError;
  assert.instance(error, ConfigValidationError);
  assert.equal(error.errors, [{ path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100' }]);
  // Exactly what the workbench answers for the same configuration.
  const workbench = await createWorkbench({ experimentsDir: 'experiments', database: 'memory', watch: false });
  try {
    const expected = await workbench.experiments
      .createInstance({ experiment: 'my_experiment', name: 'x', configuration: { iterations: 1000 } })
      .catch((e: unknown) => e);
    assert.instance(expected, ConfigValidationError);
    assert.equal(error.errors, (expected as ConfigValidationError).errors);
    assert.is(error.message, (expected as ConfigValidationError).message);
  } finally {
    await workbench.close();
  }
});

input('every problem of a configuration is reported, with its path', async () => {
  const error = (await runExperiment(FIXTURE, { mode: 'nope', count: -1 } as never).catch((e: unknown) => e)) as ConfigValidationError;
  assert.instance(error, ConfigValidationError);
  assert.equal(error.errors.map((e) => e.path).sort(), ['count', 'mode']);
});

const refusals: [string, () => Promise<unknown>, RegExp][] = [
  ['a missing file', () => runExperiment('experiments/nope.ts'), /runExperiment: no experiment file at .*experiments\/nope\.ts/],
  ['a module without run()', () => runExperiment({ experiment: () => null } as never), /does not export run\(\)/],
  ['a definition that is not one', () => runExperiment({ experiment: () => 42, run: () => {} }), /experiment\(\) returned number; it must return a Definition/],
  ['a number for the experiment', () => runExperiment(42 as never), /expected an experiment module or the path of one, got number 42/],
  ['an http URL', () => runExperiment(new URL('https://example.com/x.ts')), /only file: URLs/],
  ['an unknown option', () => runExperiment(myExperiment, {}, { inprocess: true } as never), /unknown option "inprocess"; known: inProcess, cancelAfter, timeout/],
  ['a negative cancelAfter', () => runExperiment(myExperiment, {}, { cancelAfter: -5 }), /options\.cancelAfter must be 0 or more milliseconds, got -5/],
  ['a malformed cancelAfter', () => runExperiment(myExperiment, {}, { cancelAfter: { steps: 3 } } as never), /options\.cancelAfter must be milliseconds or \{ progress: N \}.*got \{"steps":3\}/],
  ['a fractional timeout', () => runExperiment(myExperiment, {}, { timeout: 1.5 }), /options\.timeout must be a positive whole number of milliseconds, got 1\.5/],
  ['a module object with inProcess: false', () => runExperiment(myExperiment, {}, { inProcess: false }), /a module object runs in this process; to run it in a child process, give its path/],
];

for (const [what, call, message] of refusals) {
  input(`refuses ${what}`, async () => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    assert.ok(error, 'expected a rejection');
    assert.match(error!.message, message);
  });
}

input('a module with a broken definition rejects with the DefinitionError', async () => {
  const error = (await runExperiment({ ...kernelFixture, experiment: () => ({ resolve: () => { throw new Error('no name'); } }) }).catch((e: unknown) => e)) as Error;
  assert.is(error.message, 'no name');
});

input('a file that does not parse rejects as athanor run reports it: ERR_SYNTAX at its line and column', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'athanor-harness-'));
  try {
    const file = path.join(dir, 'broken.ts');
    await writeFile(file, "import { Definition } from 'athanor';\nexport function experiment() { return Definition.new().name('broken'); }\nexport async function run() { console.log((1 + ; }\n");
    const error = (await runExperiment(file).catch((e: unknown) => e)) as Error & { code?: string; line?: number; column?: number };
    assert.is(error.code, 'ERR_SYNTAX');
    assert.match(error.message, /^runExperiment: broken\.ts:3:48: Syntax error: Unexpected ";"$/);
    assert.equal([error.line, error.column], [3, 48]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

input.run();
