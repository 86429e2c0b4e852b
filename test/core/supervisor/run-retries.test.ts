/**
 * Retries on a workbench's own runs (`Definition.retries(n)`): a run that starts and then
 * fails (throws, its process exits) runs again as a new run recording its attempt and the
 * run it retries, up to n times; cancelled runs and experiments without retries never run
 * again. Through the real HTTP API, over real run processes. (Runs of the queue: see
 * test/core/worker/run-retries.test.ts.)
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const test = suite('run retries (local runs)');
const FINISHED = ['completed', 'failed', 'cancelled'];
const FIXTURES = ['test/fixtures/retries/flaky_fixture.ts'];

/** Starts a run of a new instance; resolves with the instance's id and the run's. */
async function start({ api }: ServerContext, experiment: string, name: string, configuration: Record<string, unknown>) {
  const instance = await api('POST', '/api/instances', { experiment, name, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const run = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(run.status, 201, JSON.stringify(run.body));
  return { instanceId: instance.body.id as string, runId: run.body.id as string };
}

/** The instance's runs, oldest first, once all of them (at least `count`) have ended. */
async function settled({ api }: ServerContext, instanceId: string, count: number) {
  return until(async () => {
    const { body } = await api('GET', `/api/instances/${instanceId}/runs`);
    const runs = [...body.items].reverse();
    return runs.length >= count && runs.every((run: { status: string }) => FINISHED.includes(run.status)) && runs;
  }, `${count} runs of the instance to end`, 30_000);
}

test('a run that throws is retried: attempt 2 of 3 records the run it retries and completes', async () => {
  await withServer(async (context) => {
    const { api } = context;
    const { instanceId, runId } = await start(context, 'flaky_fixture', 'once', { fail_until: 1 });
    const [first, second, ...more] = await settled(context, instanceId, 2);
    assert.is(more.length, 0, 'no third attempt after one that completed');
    assert.equal([first.id, first.status, first.attempt, first.retries, first.retryOf], [runId, 'failed', 1, 2, null]);
    assert.match(first.error, /attempt 1 failed/);
    assert.equal([second.status, second.attempt, second.retries, second.retryOf], ['completed', 2, 2, runId]);
    assert.equal(second.configuration, first.configuration);
    assert.is(second.codeHash, first.codeHash, 'the retry ran the code the failed run ran');
    const detail = await api('GET', `/api/runs/${runId}`);
    assert.is(detail.body.retriedBy, second.id);
    assert.is((await api('GET', `/api/runs/${second.id}`)).body.retriedBy, null);
    const results = await api('GET', `/api/runs/${second.id}/results`);
    assert.equal(results.body.items.map((r: { key: string; value: unknown }) => [r.key, r.value]), [['attempt', 2]]);
  }, { fixtures: FIXTURES });
});

test('a run whose process exits every time is run 1 + retries times, then left failed', async () => {
  await withServer(async (context) => {
    const { instanceId } = await start(context, 'flaky_fixture', 'always', { fail_until: 99, how: 'exit' });
    const runs = await settled(context, instanceId, 3);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a fourth would be made at once
    const again = await settled(context, instanceId, 3);
    assert.is(again.length, 3);
    assert.equal(runs.map((run: { attempt: number; status: string }) => [run.attempt, run.status]), [[1, 'failed'], [2, 'failed'], [3, 'failed']]);
    assert.equal(runs.map((run: { retryOf: string | null }) => run.retryOf), [null, runs[0].id, runs[1].id]);
    for (const run of runs) assert.match(run.error, /process.exit\(7\)/, run.error);
  }, { fixtures: FIXTURES });
});

test('without .retries() a failed run is not run again; a cancelled run never is', async () => {
  await withServer(async (context) => {
    const { api } = context;
    const plain = await start(context, 'kernel_fixture', 'plain', { mode: 'throw' });
    const [failed, ...others] = await settled(context, plain.instanceId, 1);
    assert.equal([failed.status, failed.attempt, failed.retries, others.length], ['failed', 1, 0, 0]);
    const hang = await start(context, 'flaky_fixture', 'hang', { fail_until: 99, how: 'hang' });
    await until(async () => (await api('GET', `/api/runs/${hang.runId}`)).body.status === 'running', 'the run to start');
    await api('POST', `/api/runs/${hang.runId}/cancel`);
    const [cancelled, ...after] = await settled(context, hang.instanceId, 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal([cancelled.status, after.length], ['cancelled', 0]);
    assert.is((await settled(context, hang.instanceId, 1)).length, 1);
  }, { fixtures: FIXTURES });
});

test('.retries(n) refuses what is not a whole number from 0 to 10, naming the rule', async () => {
  const { Definition, DefinitionError } = await import('../../../core/index.ts');
  for (const bad of [-1, 11, 1.5, Number.NaN, '2' as unknown as number]) {
    assert.throws(() => Definition.new().name('x').retries(bad), (error: Error) => error instanceof DefinitionError && /retries must be a whole number from 0 to 10/.test(error.message));
  }
  assert.is(Definition.new().name('x').retries(10).resolve().retries, 10);
  assert.is(Definition.new().name('x').resolve().retries, 0);
});

test.run();
