import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../../helpers/databases.ts';
import type { Run } from '../../../core/records.ts';
import { allLogs, withKernel } from '../../helpers/kernel.ts';

// On pg-mem: the kernel's behaviour does not depend on the backend (the conformance and
// million-entry suites cover the others).
suiteForEachBackend('run kernel: many runs, long runs, crashes', (scale, database) => {
  scale('20 concurrent runs all complete with their own output', async () => {
    await withKernel(database(), async ({ startRun, supervisor, service }) => {
      const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => startRun({ mode: 'complete', count: i + 1 })));
      const finals = await Promise.all(runs.map((run) => supervisor.waitFor(run.id)));
      assert.equal(finals.map((r) => r.status), Array(20).fill('completed'));
      for (const [i, run] of finals.entries()) {
        assert.is((await service.getRun(run.id)).resultCount, i + 1);
      }
    }, { concurrency: 4 });
  });

  scale('a child crashing while another runs leaves the other untouched', async () => {
    await withKernel(database(), async ({ startRun, supervisor, service }) => {
      const steady = await startRun({ mode: 'progress', count: 20, delay_ms: 25 });
      const crashing = await startRun({ mode: 'sigkill' });
      const crashed = await supervisor.waitFor(crashing.id);
      assert.is(crashed.status, 'failed');
      const final = await supervisor.waitFor(steady.id);
      assert.is(final.status, 'completed');
      assert.equal((await service.getRun(steady.id)).progress, { current: 20, total: 20, message: 'step 20' });
    });
  });

  scale('the concurrency limit queues extra runs as pending, started in order', async () => {
    await withKernel(database(), async ({ startRun, supervisor, events }) => {
      const runs: Run[] = [];
      for (let i = 0; i < 4; i++) runs.push(await startRun({ mode: 'slow', delay_ms: 100 }));
      assert.equal(runs.map((r) => r.status), ['running', 'pending', 'pending', 'pending']);
      await Promise.all(runs.map((r) => supervisor.waitFor(r.id)));
      const started = events.filter((e) => e.type === 'run.status' && e.status === 'running').map((e) => (e as { runId: string }).runId);
      assert.equal(started.filter((id) => runs.some((r) => r.id === id)), runs.map((r) => r.id));
    }, { concurrency: 1 });
  });

  scale('a run logging 20,000 entries ends with exactly that many rows, in order', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const count = 20_000;
      const run = await runToEnd({ mode: 'log_many', count });
      assert.is(run.status, 'completed');
      assert.is((await service.getRun(run.id)).logCount, count + 1);
      const messages = (await allLogs(service, run.id)).slice(1).map((entry) => entry.message);
      assert.equal(messages, Array.from({ length: count }, (_, i) => `entry ${i + 1}`));
    });
  });
}, { only: ['memory'] });
