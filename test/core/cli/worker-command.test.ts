// `athanor worker` and `--runs`: bad input is exit 2 with one line naming the option and the rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runAthanor } from '../../helpers/workbench-process.ts';
import { parseDurationOption } from '../../../core/cli/duration-option.ts';

test('a worker needs a Postgres database', async () => {
  const { code, stderr } = await runAthanor(['worker', '--db', 'memory'], { timeoutMs: 60_000 });
  assert.is(code, 2);
  assert.is(stderr, 'athanor: athanor worker needs --db postgres://… (the database the workbench and the other workers share), got memory\n');
  // With none given it says so, not "got pglite" (the default the user never wrote).
  const none = await runAthanor(['worker'], { timeoutMs: 60_000 });
  assert.is(none.code, 2);
  assert.is(none.stderr, 'athanor: athanor worker needs --db postgres://… (the database the workbench and the other workers share), none was given (no --db, no ATHANOR_DATABASE_URL)\n');
});

test('worker options are checked before anything opens', async () => {
  const db = ['--db', 'postgres://nobody@127.0.0.1:1/x'];
  const cases: [string[], RegExp][] = [
    [['--concurrency', '0'], /--concurrency must be a whole number of runs from 1 to 256, got "0"/],
    [['--drain', 'soon'], /--drain must be a duration such as 60s, 500ms or 2m, .* got "soon"/],
    [['--heartbeat', '10ms'], /--heartbeat must be a duration .* from 100 ms/],
    [['--name', 'a b'], /--name must be 1 to 100 letters/],
    [['--project', '/nonexistent-athanor-folder'], /--project must be a folder/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await runAthanor(['worker', ...db, ...args], { timeoutMs: 60_000 });
    assert.is(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
});

test('--runs queue needs Postgres; an unknown mode is refused', async () => {
  const queue = await runAthanor(['dev', '--port', '0', '--db', 'memory', '--runs', 'queue'], { timeoutMs: 60_000 });
  assert.is(queue.code, 2);
  assert.match(queue.stderr, /--runs queue needs a postgres:\/\/ database \(workers share it\), got memory; use --runs local or --db postgres:\/\/…/);
  const unknown = await runAthanor(['dev', '--port', '0', '--db', 'memory', '--runs', 'cluster'], { timeoutMs: 60_000 });
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /--runs must be one of local, queue, both, got "cluster"/);
});

test('durations: 60s, 500ms, 2m, bare seconds', () => {
  assert.is(parseDurationOption('drain', '60s'), 60_000);
  assert.is(parseDurationOption('drain', '500ms'), 500);
  assert.is(parseDurationOption('drain', '2m'), 120_000);
  assert.is(parseDurationOption('drain', '1.5'), 1500);
  assert.throws(() => parseDurationOption('drain', '-1s'), /--drain must be a duration/);
});

test.run();
