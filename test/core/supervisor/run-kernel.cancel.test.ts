import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../../helpers/databases.ts';
import { withKernel, type Kernel } from '../../helpers/kernel.ts';
import { until } from '../../helpers/until.ts';

// On pg-mem: the kernel's behaviour does not depend on the backend (the conformance and
// million-entry suites cover the others).
suiteForEachBackend('run kernel: the cancellation ladder', (cancel, database) => {
  /** Until the run's first log entry is stored. */
  const untilRunning = (kernel: Kernel, runId: string) =>
    until(async () => (await kernel.service.readLogs(runId, { limit: 1 })).items.length > 0, 'the run to log');


  cancel('a run that checks cancelled() stops cooperatively and ends cancelled', async () => {
    await withKernel(database(), async (kernel) => {
      const run = await kernel.startRun({ mode: 'cooperative' });
      await untilRunning(kernel, run.id);
      const started = Date.now();
      const outcome = await kernel.supervisor.cancelRun(run.id);
      assert.ok(outcome.changed);
      const final = await kernel.supervisor.waitFor(run.id);
      assert.equal([final.status, final.error], ['cancelled', 'cancelled by request']);
      assert.ok(Date.now() - started < 2000, 'no escalation needed');
    });
  });

  cancel('a run that never checks cancelled() is terminated with SIGTERM after the grace period', async () => {
    await withKernel(database(), async (kernel) => {
      const run = await kernel.startRun({ mode: 'ignore_cancel' });
      await untilRunning(kernel, run.id);
      await kernel.supervisor.cancelRun(run.id);
      const final = await kernel.supervisor.waitFor(run.id);
      assert.is(final.status, 'cancelled');
      assert.match(final.error!, 'terminated (SIGTERM)');
    }, { graceMs: 300, killAfterMs: 500 });
  });

  cancel('a busy loop that never yields is killed with SIGKILL, and its logs so far are kept', async () => {
    await withKernel(database(), async (kernel) => {
      const run = await kernel.startRun({ mode: 'busy' });
      await untilRunning(kernel, run.id); // logs reach storage although the loop never yields
      await kernel.supervisor.cancelRun(run.id);
      const final = await kernel.supervisor.waitFor(run.id);
      assert.is(final.status, 'cancelled');
      assert.match(final.error!, 'killed (SIGKILL)');
      assert.is((await kernel.service.readLogs(run.id)).items[0]!.message, 'mode busy');
    }, { graceMs: 200, killAfterMs: 200 });
  });

  cancel('cancelling a pending run cancels it without starting it', async () => {
    await withKernel(database(), async (kernel) => {
      const busy = await kernel.startRun({ mode: 'slow', delay_ms: 2000 });
      const queued = await kernel.startRun({ mode: 'complete' });
      assert.is(queued.status, 'pending');
      assert.ok(kernel.supervisor.isActive(queued.id));
      const outcome = await kernel.supervisor.cancelRun(queued.id);
      assert.equal([outcome.changed, outcome.run.status], [true, 'cancelled']);
      assert.is((await kernel.service.getRun(queued.id)).startedAt, null);
      await kernel.supervisor.cancelRun(busy.id);
      await kernel.supervisor.waitFor(busy.id);
    }, { concurrency: 1 });
  });

  cancel('cancelling a finished run changes nothing and says so', async () => {
    await withKernel(database(), async (kernel) => {
      const run = await kernel.runToEnd({ mode: 'return' });
      const outcome = await kernel.supervisor.cancelRun(run.id);
      assert.is(outcome.changed, false);
      assert.is(outcome.run.status, 'completed');
      assert.match(outcome.message, 'already ended (completed)');
    });
  });

  cancel('a run over its timeout fails with reason timeout', async () => {
    await withKernel(database(), async (kernel) => {
      const run = await kernel.startRun({ mode: 'cooperative' }, { timeoutMs: 300 });
      const final = await kernel.supervisor.waitFor(run.id);
      assert.is(final.status, 'failed');
      assert.match(final.error!, /^timeout: the run exceeded its limit of 300 ms/);
    });
  });
}, { only: ['memory'] });
