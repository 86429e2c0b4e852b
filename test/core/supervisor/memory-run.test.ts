import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryRunStore, newMemoryRun } from '../../../core/supervisor/memory-run.ts';

const memory = suite('memory runs: the record of a run no database keeps');

const log = (message: string) => ({ level: 'info' as const, message, metadata: null, timestamp: new Date() });
const result = (key: string, value: unknown) => ({ key, value: JSON.stringify(value), recordedAt: new Date() });

memory("'latest' keeps no log lines and each key's latest value, in the order keys were last given", async () => {
  const store = createMemoryRunStore(newMemoryRun({ instanceId: 'i' }), 'latest');
  const writer = store.createRunWriter(store.run.id);
  assert.equal(await writer.appendLogs([log('a'), log('b')]), { first: 1, last: 2 });
  assert.equal(await writer.appendLogs([log('c')]), { first: 3, last: 3 });
  assert.equal(await writer.appendResults([result('loss', 1), result('accuracy', 0.5)]), { first: 1, last: 2 });
  assert.equal(await writer.appendResults([result('loss', 0.25)]), { first: 3, last: 3 });
  assert.equal(store.logs, []);
  assert.equal(store.results, [{ key: 'accuracy', value: 0.5 }, { key: 'loss', value: 0.25 }]);
  assert.equal([store.run.logCount, store.run.resultCount], [3, 3]);
});

memory("'all' keeps every line and every point, in order", async () => {
  const store = createMemoryRunStore(newMemoryRun({ instanceId: 'i' }));
  const writer = store.createRunWriter(store.run.id);
  await writer.appendLogs([log('a'), log('b')]);
  await writer.appendResults([result('loss', 1), result('loss', 0.5)]);
  assert.equal(store.logs.map((entry) => [entry.seq, entry.message]), [[1, 'a'], [2, 'b']]);
  assert.equal(store.results, [{ key: 'loss', value: 1 }, { key: 'loss', value: 0.5 }]);
});

memory('the run goes pending → running → completed with its times, and refuses a transition out of a finished state', async () => {
  const store = createMemoryRunStore(newMemoryRun({ instanceId: 'i' }));
  const running = await store.transitionRun(store.run.id, 'running', { codeHash: 'abc' });
  assert.ok(running.startedAt);
  assert.is(running.codeHash, 'abc');
  const done = await store.transitionRun(store.run.id, 'completed');
  assert.ok(done.completedAt);
  try {
    await store.transitionRun(store.run.id, 'running');
    assert.unreachable('a finished run started again');
  } catch (error) {
    assert.match((error as Error).message, 'completed');
  }
  await assert.not.throws(() => store.getRun(store.run.id));
  try {
    await store.getRun('another');
    assert.unreachable('another run was read');
  } catch (error) {
    assert.match((error as Error).message, 'another');
  }
});

memory('a retry is the next attempt of the failed run, with what it ran with', () => {
  const first = { ...newMemoryRun({ instanceId: 'i', retries: 2, options: { timeoutMs: 50 } }), status: 'failed' as const, configuration: { steps: 3 } };
  const retry = newMemoryRun({ instanceId: 'i', retryOf: first });
  assert.is.not(retry.id, first.id);
  assert.equal(
    [retry.status, retry.attempt, retry.retries, retry.retryOf, retry.configuration, retry.options],
    ['pending', 2, 2, first.id, { steps: 3 }, { timeoutMs: 50 }],
  );
});

memory.run();
