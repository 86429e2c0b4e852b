import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../../helpers/databases.ts';
import { allLogs, withKernel } from '../../helpers/kernel.ts';

// On pg-mem: the kernel's behaviour does not depend on the backend (the conformance and
// million-entry suites cover the others).
suiteForEachBackend('run kernel: how runs end', (outcomes, database) => {
  outcomes('a run that calls complete() ends completed with every log, result and its progress', async () => {
    await withKernel(database(), async ({ runToEnd, service, events }) => {
      const run = await runToEnd({ mode: 'complete', count: 5 });
      assert.is(run.status, 'completed');
      assert.is(run.error, null);
      assert.is(run.codeHash, 'fixture-hash');
      assert.ok(run.startedAt && run.completedAt);
      const logs = await allLogs(service, run.id);
      assert.equal(logs.map((l) => l.message), ['mode complete', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
      assert.equal(logs[1]!.metadata, { i: 1 });
      const results = await service.readResults(run.id);
      assert.equal(results.items.map((r) => [r.key, r.value]), [1, 2, 3, 4, 5].map((i) => [`r${i}`, { i }]));
      assert.equal((await service.getRun(run.id)).progress, { current: 5, total: 5, message: 'step 5' });
      const statuses = events.filter((e) => e.type === 'run.status' && e.runId === run.id).map((e) => (e as { status: string }).status);
      assert.equal(statuses, ['running', 'completed']);
    });
  });

  outcomes('run() returning without complete() completes; the context carries run and instance', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const run = await runToEnd({ mode: 'return' });
      assert.is(run.status, 'completed');
      const [first] = await allLogs(service, run.id);
      assert.equal(first!.metadata, { run: run.id, instance: (await service.getInstance(run.instanceId)).name, pid: (first!.metadata as { pid: number }).pid });
    });
  });

  outcomes('a throw fails the run with message and stack', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'throw' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'boom from the experiment');
      assert.match(run.error!, 'kernel_fixture.ts');
    });
  });

  outcomes('fail(ctx, msg) fails with that message', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'fail' });
      assert.equal([run.status, run.error], ['failed', 'API quota exceeded']);
    });
  });

  outcomes('an unhandled rejection fails the run', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'reject' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'unhandled promise rejection: nobody caught me');
    });
  });

  outcomes('process.exit(n) and a signal fail the run naming the code or signal', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const exited = await runToEnd({ mode: 'exit' });
      assert.is(exited.status, 'failed');
      assert.match(exited.error!, 'process.exit(3)');
      const killed = await runToEnd({ mode: 'sigkill' });
      assert.is(killed.status, 'failed');
      assert.match(killed.error!, 'killed by SIGKILL');
    });
  });

  outcomes('running out of memory fails the run naming it', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'oom' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'ran out of memory');
    }, { execArgv: ['--max-old-space-size=48'] });
  });

  outcomes('a result that is not JSON throws at the call, naming the key, with the stack', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'not_json' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, 'result "score".value is not JSON: 10n is a BigInt');
      assert.match(run.error!, 'kernel_fixture.ts');
    });
  });

  outcomes('a log over the size limit is an error at the call', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const run = await runToEnd({ mode: 'big_entry' });
      assert.is(run.status, 'failed');
      assert.match(run.error!, /over the limit of 1048576 bytes/);
    });
  });

  outcomes('calls after the run ended are ignored with one warning each', async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const run = await runToEnd({ mode: 'after_end' });
      assert.is(run.status, 'completed');
      const logs = await allLogs(service, run.id);
      assert.ok(!logs.some((l) => l.message.startsWith('too late')));
      const warnings = logs.filter((l) => l.level === 'warn').map((l) => l.message);
      assert.equal(warnings, [
        'Runtime.log was called after the run ended; the call was ignored',
        'Runtime.result was called after the run ended; the call was ignored',
      ]);
      assert.equal((await service.readResults(run.id)).items, []);
    });
  });

  outcomes('a run that throws after Runtime.complete fails with that error: thrown, awaited or left unhandled', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const cases = [
        ['throw_after_complete', 'run() threw after Runtime.complete(ctx): broke after completing'],
        ['reject_after_complete', 'run() threw after Runtime.complete(ctx): rejected after completing'],
        ['unhandled_after_complete', 'run() threw after Runtime.complete(ctx): unhandled promise rejection: nobody awaited this'],
      ] as const;
      for (const [mode, error] of cases) {
        const run = await runToEnd({ mode });
        assert.is(run.status, 'failed', mode);
        assert.match(run.error!, error);
      }
    });
  });

  outcomes("what the experiment prints becomes logs", async () => {
    await withKernel(database(), async ({ runToEnd, service }) => {
      const run = await runToEnd({ mode: 'print' });
      const logs = await allLogs(service, run.id);
      assert.ok(logs.some((l) => l.level === 'info' && l.message === 'hello from stdout'));
      assert.ok(logs.some((l) => l.level === 'error' && l.message === 'hello from stderr'));
    });
  });

  outcomes('a malformed message fails that run with a clear error, and the next run is fine', async () => {
    await withKernel(database(), async ({ runToEnd }) => {
      const broken = await runToEnd({ mode: 'garbage' });
      assert.is(broken.status, 'failed');
      assert.match(broken.error!, "the run's process broke the protocol: malformed log entry");
      assert.is((await runToEnd({ mode: 'return' })).status, 'completed');
    });
  });
}, { only: ['memory'] });
