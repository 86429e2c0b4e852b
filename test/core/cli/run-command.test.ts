import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { athanorBin } from '../../helpers/athanor-command.ts';

const BIN = await athanorBin();
const FLAKY = fileURLToPath(new URL('../../fixtures/retries/flaky_fixture.ts', import.meta.url));
const cli = suite('athanor run: exit codes, --json, Ctrl-C, the results at the end');
let project: TempProject;
let experimentsDir: string;

/** Results of every kind, for the table at the end of a run. */
const METRICS = `import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';
export function experiment() {
  return Definition.new().name('metrics').configuration(ConfigSchema.new().field('steps', 'integer', { default: 3 }));
}
export async function run(ctx: RunContext) {
  for (let step = 1; step <= Runtime.config(ctx).steps; step++) {
    Runtime.result(ctx, \`step_\${step}\`, { step });
    Runtime.result(ctx, 'loss', 1 / step);
  }
  Runtime.result(ctx, 'sample', 'a cat on a mat');
  Runtime.result(ctx, 'accuracy', 0.75);
}
`;

cli.before(async () => {
  project = await tempProject('athanor-run-');
  experimentsDir = project.experimentsDir;
  await project.addExperiment('metrics.ts', METRICS);
  await project.addExperiment('flaky_fixture.ts', await readFile(FLAKY, 'utf8'));
});
cli.after(async () => {
  await project.remove();
});

function athanor(args: string[], options: { interruptAfter?: string; db?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--experiments', experimentsDir, '--db', options.db ?? 'memory'], { stdio: ['ignore', 'pipe', 'pipe'] });
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

cli('a completed run exits 0 and prints its logs', async () => {
  const result = await athanor(['run', 'my_experiment', '--set', 'iterations=3']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, '[info] Running iteration 3');
  assert.match(result.stdout, / completed\nresults:\n {2}iteration_1 {2}\{/);
});

cli('a run ends with its results: the latest value per key, numbers first', async () => {
  const result = await athanor(['run', 'metrics', '--set', 'steps=10']);
  assert.is(result.code, 0, result.stderr);
  const end = result.stdout.slice(result.stdout.indexOf('results:\n'));
  assert.is(
    end,
    [
      'results:',
      '  accuracy  0.75',
      '  loss      0.1',
      '  sample    a cat on a mat',
      ...Array.from({ length: 10 }, (_, i) => `  ${`step_${i + 1}`.padEnd(8)}  {"step":${i + 1}}`),
      '',
    ].join('\n'),
  );
  assert.match(result.stdout, / completed\nresults:\n/);
});

cli('--json prints one object with the run id, status, error, results, and what it ran with', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=complete', '--set', 'count=2', '--json']);
  assert.is(result.code, 0, result.stderr);
  const printed = JSON.parse(result.stdout);
  assert.equal(Object.keys(printed), ['runId', 'status', 'error', 'results', 'configuration', 'codeHash', 'environment', 'attempt', 'retries', 'retryOf']);
  assert.equal([printed.status, printed.error, printed.results], ['completed', null, { r1: { i: 1 }, r2: { i: 2 } }]);
  assert.equal(printed.configuration, { mode: 'complete', count: 2, delay_ms: 10 });
  assert.match(printed.codeHash, /^[0-9a-f]{64}$/);
  assert.equal([printed.environment.node, printed.environment.platform], [process.version, process.platform]);
});

cli('a run that retries is followed through its attempts: the last one is reported, with its attempt', async () => {
  const retried = await athanor(['run', 'flaky_fixture', '--set', 'fail_until=1', '--json']);
  assert.is(retried.code, 0, retried.stderr);
  assert.match(retried.stderr, /attempt 1 of 3 failed \(Error: attempt 1 failed\); retrying as run \S+ \(attempt 2\)/);
  assert.match(retried.stderr, '[info] attempt 2');
  const printed = JSON.parse(retried.stdout);
  assert.equal([printed.status, printed.attempt, printed.retries, printed.results], ['completed', 2, 2, { attempt: 2 }]);
  assert.match(printed.retryOf, /^[0-9a-f-]{36}$/);
  const exhausted = await athanor(['run', 'flaky_fixture', '--set', 'fail_until=9']);
  assert.is(exhausted.code, 1);
  assert.match(exhausted.stdout, /run \S+ failed \(attempt 3 of 3\): Error: attempt 3 failed/);
});

cli('every log line reaches the terminal, past the 10,000 a second a workbench sends its tabs (memory and PGlite)', async () => {
  for (const db of ['memory', `pglite:${project.root}/db`]) {
    const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=log_many', '--set', 'count=30000'], { db });
    assert.is(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('[info] entry '));
    assert.is(lines.length, 30_000, `${db}: ${lines.length} of 30,000 lines printed`);
    assert.is(lines.at(-1), '[info] entry 30000');
  }
});

cli('--instance names a new instance as the API names one: an empty or too long name is bad input', async () => {
  for (const name of ['', ' ', 'x'.repeat(201)]) {
    const result = await athanor(['run', 'my_experiment', '--instance', name]);
    assert.is(result.code, 2, `--instance ${JSON.stringify(name)}: ${result.stdout}`);
    assert.match(result.stderr, '--instance must be a non-empty string of at most 200 characters');
    assert.not.match(result.stdout, 'Running iteration');
  }
});

cli('a failed run exits 1 with its error', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=fail']);
  assert.is(result.code, 1);
  assert.match(result.stdout, 'failed: API quota exceeded');
});

cli('bad input exits 2 naming the field, the rule and the value', async () => {
  const outOfRange = await athanor(['run', 'my_experiment', '--set', 'iterations=1000']);
  assert.is(outOfRange.code, 2);
  assert.match(outOfRange.stderr, 'config.iterations: 1000 is above the maximum 100');
  const unknown = await athanor(['run', 'no_such_experiment']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'unknown experiment "no_such_experiment"; known: flaky_fixture, kernel_fixture, metrics, my_experiment');
  const typo = await athanor(['run', 'my_experimnet']);
  assert.is(typo.code, 2);
  assert.is(typo.stderr, 'athanor: unknown experiment "my_experimnet"; did you mean "my_experiment"? (known: flaky_fixture, kernel_fixture, metrics, my_experiment)\n');
  const field = await athanor(['run', 'my_experiment', '--set', 'iteratons=3']);
  assert.is(field.code, 2);
  assert.match(field.stderr, 'config.iteratons is not a field of this experiment; did you mean "iterations"?');
  const malformed = await athanor(['run', 'my_experiment', '--set', 'iterations']);
  assert.is(malformed.code, 2);
  assert.match(malformed.stderr, '--set expects key=value, got "iterations"');
  const notAField = await athanor(['run', 'my_experiment', '--set', 'colour=red']);
  assert.is(notAField.code, 2);
  assert.match(notAField.stderr, 'config.colour is not a field of this experiment (fields: iterations)');
  // With --json, stdout still holds one JSON object: the error.
  const jsonUnknown = await athanor(['run', 'my_experimnet', '--json']);
  assert.is(jsonUnknown.code, 2);
  assert.equal(JSON.parse(jsonUnknown.stdout), { error: 'unknown experiment "my_experimnet"; did you mean "my_experiment"? (known: flaky_fixture, kernel_fixture, metrics, my_experiment)' });
  const jsonInvalid = await athanor(['run', 'my_experiment', '--set', 'iterations=1000', '--json']);
  assert.is(jsonInvalid.code, 2);
  assert.equal(JSON.parse(jsonInvalid.stdout), { error: 'invalid configuration: config.iterations: 1000 is above the maximum 100' });
  assert.match(jsonInvalid.stderr, 'config.iterations: 1000 is above the maximum 100');
});

cli('an experiment that does not load is bad input, named with where it broke (file:line:column)', async () => {
  await project.addExperiment('broken_syntax.ts', `import { Definition } from 'athanor';\nexport const experiment = () => Definition.new().name('broken_syntax';\nexport async function run() {}\n`);
  try {
    const result = await athanor(['run', 'broken_syntax']);
    assert.is(result.code, 2, result.stdout);
    assert.match(result.stderr, /experiment "broken_syntax" cannot run: broken_syntax\.ts:2:\d+: /);
  } finally {
    await rm(join(experimentsDir, 'broken_syntax.ts'));
  }
});

cli('Ctrl-C cancels the run cleanly and exits 130', async () => {
  const result = await athanor(['run', 'kernel_fixture', '--set', 'mode=cooperative'], { interruptAfter: 'mode cooperative' });
  assert.is(result.code, 130, result.stderr);
  assert.match(result.stdout, 'cancelled');
});

cli.run();
