// One run logging 1,000,000 entries through a real child process into real Postgres:
// exactly that many rows, in order, and the supervisor's memory stays flat.
import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../../helpers/databases.ts';
import { withKernel } from '../../helpers/kernel.ts';

suiteForEachBackend('run kernel: a million log entries', (test, database) => {
  test('a run logging 1,000,000 entries ends with exactly that many rows, in order', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const count = 1_000_000;
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const run = await runToEnd({ mode: 'log_many', count });
      clearInterval(sampler);
      assert.is(run.status, 'completed', run.error ?? '');
      assert.is((await service.getRun(run.id)).logCount, count + 1);
      let expected = 1;
      for (let after = 1; ; ) {
        const page = await service.readLogs(run.id, { after, limit: 10_000 });
        for (const entry of page.items) {
          if (entry.message !== `entry ${expected}` || entry.seq !== expected + 1) {
            assert.unreachable(`row ${entry.seq} is "${entry.message}", expected "entry ${expected}"`);
          }
          expected++;
        }
        if (!page.next) break;
        after = Number(page.next);
      }
      assert.is(expected - 1, count);
      const growthMb = (peak - before) / 2 ** 20;
      assert.ok(growthMb < 128, `the supervisor's RSS grew ${growthMb.toFixed(0)} MB while the run logged`);
    });
  });
}, { only: ['postgres'] });
