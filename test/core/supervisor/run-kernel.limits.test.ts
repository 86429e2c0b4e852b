// Nothing a run prints or writes can take the workbench down (issue 18, item 2): lines
// are cut at the entry limit, frames are re-checked by the parent, printed output is
// flushed before the host exits, and a run over its memory cap fails in seconds.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openTestDatabase, type TestDatabase } from '../../helpers/databases.ts';
import { allLogs, withKernel } from '../../helpers/kernel.ts';

const MiB = 1024 * 1024;
const limits = suite<{ database: TestDatabase }>('run kernel: limits on what a run prints and writes');

limits.before(async (context) => {
  context.database = await openTestDatabase('memory');
});
limits.after(async ({ database }) => database.close());

const rssMb = () => process.memoryUsage().rss / MiB;

limits('a 600 MiB line without a newline is cut at the entry limit; the workbench stays small and other runs complete', async ({ database }) => {
  await withKernel(database, async ({ startRun, supervisor, service }) => {
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
    const huge = await startRun({ mode: 'huge_line', count: 600 });
    const other = await startRun({ mode: 'complete', count: 5 });
    const [hugeEnd, otherEnd] = await Promise.all([supervisor.waitFor(huge.id), supervisor.waitFor(other.id)]);
    clearInterval(sampler);
    assert.is(otherEnd.status, 'completed');
    assert.is(hugeEnd.status, 'completed', hugeEnd.error ?? '');
    const printed = (await allLogs(service, huge.id)).filter((entry) => (entry.metadata as { stream?: string })?.stream === 'stdout');
    const cut = printed[0]!;
    assert.ok(cut.message.length <= MiB, `the stored line is ${cut.message.length} characters`);
    assert.match(cut.message, /more bytes dropped\]$/);
    const meta = cut.metadata as { truncated: boolean; droppedBytes: number };
    assert.is(meta.truncated, true);
    assert.ok(meta.droppedBytes >= 599 * MiB, `dropped ${meta.droppedBytes}`);
    assert.equal(printed.map((entry) => entry.message).slice(1), ['after the huge line']);
    assert.ok(peak - before < 250, `the workbench grew by ${Math.round(peak - before)} MiB`);
  }, { concurrency: 2 });
});

limits('one 100 MiB console.log reaches the workbench whole before the run ends (the host flushes stdout)', async ({ database }) => {
  await withKernel(database, async ({ runToEnd, service }) => {
    const run = await runToEnd({ mode: 'one_big_log', count: 100 });
    assert.is(run.status, 'completed');
    const [line] = (await allLogs(service, run.id)).filter((entry) => (entry.metadata as { stream?: string })?.stream === 'stdout');
    const { droppedBytes } = line!.metadata as { droppedBytes: number };
    const kept = line!.message.length - line!.message.indexOf(' … [line cut');
    assert.is(line!.message.indexOf(' … [line cut') + droppedBytes, 100 * MiB, `kept and dropped add up to every byte printed (${kept})`);
  });
});

limits('a raw 200 MiB frame written behind the Runtime fails the run naming the frame limit; the workbench stays small', async ({ database }) => {
  await withKernel(database, async ({ runToEnd }) => {
    const before = rssMb();
    const run = await runToEnd({ mode: 'raw_frame', count: 200 });
    assert.is(run.status, 'failed');
    assert.match(run.error!, /a frame is larger than \d+ bytes, the limit for one frame/);
    assert.ok(rssMb() - before < 150, `the workbench grew by ${Math.round(rssMb() - before)} MiB`);
  });
});

limits('a raw frame with a 100,000-character result key fails the run naming the limit of 500', async ({ database }) => {
  await withKernel(database, async ({ runToEnd, service }) => {
    const run = await runToEnd({ mode: 'raw_key' });
    assert.is(run.status, 'failed');
    assert.match(run.error!, 'the run broke a limit: a result key is 100000 characters, over the limit of 500');
    assert.is((await service.readResults(run.id)).items.length, 0);
  });
});

limits('a run over its memory cap fails within seconds naming the cap', async ({ database }) => {
  await withKernel(database, async ({ startRun, supervisor }) => {
    const started = Date.now();
    const run = await supervisor.waitFor((await startRun({ mode: 'hog' }, { memoryMb: 256 })).id);
    assert.is(run.status, 'failed');
    assert.match(run.error!, /used \d+ MiB of memory, over its limit of 256 MiB/);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });
});

/** Whether a process is alive (a zombie waiting to be reaped counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

for (const [how, end] of [
  ['cancelled', 'cancel'],
  ['completed', 'complete'],
] as const) {
  limits(`the processes a run started do not outlive it (${how})`, async ({ database }) => {
    await withKernel(database, async ({ startRun, supervisor, service }) => {
      const run = await startRun({ mode: 'spawn_children', count: 20, delay_ms: 20 });
      let pids: number[] = [];
      for (const deadline = Date.now() + 15_000; pids.length < 20 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        // The "child <pid>" lines; the first line's pid is the run host's own.
        pids = (await allLogs(service, run.id)).flatMap((entry) => (entry.message.startsWith('child ') ? [(entry.metadata as { pid: number }).pid] : []));
      }
      assert.is(pids.length, 20);
      assert.ok(pids.every(alive));
      if (end === 'cancel') await supervisor.cancelRun(run.id);
      else supervisor.whereis(run.id)!.cancel('ended by the test'); // the host ends; what it started must go with it
      const final = await supervisor.waitFor(run.id);
      assert.is(final.status, 'cancelled');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(pids.filter(alive), [], 'no child survives');
    }, { graceMs: 60_000 });
  });
}

limits.run();
