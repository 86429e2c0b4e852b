// Starting runs while their instance is deleted and re-created (issue 18, item 1): the
// workbench lives, no run is left pending, no run host is left behind, never more runs
// execute than the limit, and every answer is 201, 404 or 409.
import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPgliteFolder, createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';
import { createScratchDatabase } from '../../helpers/run-pool.ts';
import { sql } from 'kysely';

const ROUNDS = Number(process.env.ATHANOR_RACE_ROUNDS ?? 5);
const CONCURRENCY = 2;

/** Run hosts this process has forked that are still alive. */
function liveRunHosts(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('run-host-entry')) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

async function race(context: ServerContext, round: number, answers: Map<number, number>): Promise<void> {
  const { api } = context;
  const create = async () => (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: `race ${round}`, configuration: { mode: 'slow', delay_ms: 30 } })).body.id as string;
  const id = await create();
  const starts: Promise<void>[] = [];
  let answered!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  for (let client = 0; client < 3; client++) {
    starts.push(
      (async () => {
        for (let i = 0; i < 10; i++) {
          const { status } = await api('POST', `/api/instances/${id}/runs`, {});
          answers.set(status, (answers.get(status) ?? 0) + 1);
          answered();
        }
      })(),
    );
  }
  // The delete lands among the starts: after the first has answered (on a loaded machine a
  // fixed delay alone could let it land before any), while the others are still coming.
  await firstAnswer;
  await new Promise((resolve) => setTimeout(resolve, 5 + (round % 5) * 15));
  const deleted = await api('DELETE', `/api/instances/${id}`);
  answers.set(deleted.status, (answers.get(deleted.status) ?? 0) + 1);
  await create(); // the same name again, at once
  await Promise.all(starts);
}

function raceSuite(name: string, database: () => Promise<{ spec: string; drop(): Promise<void> }>): void {
  const test = suite(`run starts racing an instance's deletion (${name})`);
  test(`${ROUNDS} rounds of 30 parallel starts interleaved with a delete and a re-create`, async () => {
    const { spec, drop } = await database();
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    try {
      await withServer(
        async (context) => {
          let running = 0;
          let peak = 0;
          context.workbench.bus.subscribe('run.status', (event) => {
            if (event.status === 'running') peak = Math.max(peak, ++running);
            else if (event.run.startedAt) running--;
          });
          const answers = new Map<number, number>();
          for (let round = 0; round < ROUNDS; round++) await race(context, round, answers);
          await until(() => context.workbench.supervisor.activeCount === 0, 'every run to end', 60_000);
          const pending = await context.workbench.database.db.selectFrom('runs').select('id').where('status', 'in', ['pending', 'running']).execute();
          assert.equal(pending, [], 'no run is left pending or running');
          assert.equal(crashes, [], 'nothing escaped the supervisor');
          assert.ok(peak <= CONCURRENCY, `at most ${CONCURRENCY} runs executed at once, saw ${peak}`);
          const statuses = [...answers.keys()].sort();
          assert.ok(statuses.every((status) => [200, 201, 404, 409].includes(status)), `answers: ${JSON.stringify([...answers])}`);
          assert.ok((answers.get(201) ?? 0) > 0, 'some runs started');
          // The warm host waits for the next run; any other host is a leak.
          await until(() => liveRunHosts().length <= 1, `no run host but the warm one (left: ${liveRunHosts().join(', ')})`, 10_000);
        },
        { workbench: { database: spec, supervisor: { concurrency: CONCURRENCY, graceMs: 500 } } },
      );
      assert.equal(liveRunHosts(), [], 'closing the workbench leaves no run host');
    } finally {
      process.off('unhandledRejection', onCrash);
      process.off('uncaughtException', onCrash);
      await drop();
    }
  });
  test.run();
}

// What the rounds below hit 1 time in ~10 under load before the supervisor held the instance:
// a start that came after the delete had listed the active runs ran on, its row deleted under
// it, and its end was never told (a tab showed it running; the rounds saw 3 runs at once, limit 2).
const duringDelete = suite("a start while its instance's delete is under way");
duringDelete('is refused with 409 and never runs; the run that ran is told it ended', async () => {
  await withServer(
    async ({ workbench }) => {
      const { experiments, bus } = workbench;
      const statuses = new Map<string, string[]>();
      bus.subscribe('run.status', (event) => statuses.set(event.run.id, [...(statuses.get(event.run.id) ?? []), event.status]));
      const instance = await experiments.createInstance({ experiment: 'kernel_fixture', name: 'doomed', configuration: { mode: 'ignore_cancel', delay_ms: 20 } });
      const first = await experiments.startRun((await experiments.createRun(instance.id, {})).id);
      assert.is(first.status, 'running');
      // The delete cancels the first run, which stops only when the grace runs out (it ignores the cancel).
      const deletion = experiments.deleteInstance(instance.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // A run made after the delete has listed (and cancelled) the instance's runs, then started.
      const second = await experiments.createRun(instance.id, {});
      const refused = await experiments.startRun(second.id).then(
        (run) => `started: ${run.status}`,
        (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
      );
      assert.is(refused, `ERR_CONFLICT: run ${second.id} was cancelled, not started: its instance ${instance.id} is being deleted`);
      await deletion;
      assert.equal(statuses.get(second.id), ['cancelled'], 'the refused run never ran, and is told cancelled');
      assert.equal(statuses.get(first.id), ['running', 'cancelled'], 'the first run is told it ended');
      await until(() => workbench.supervisor.activeCount === 0, 'no run left active', 10_000);
    },
    { workbench: { supervisor: { concurrency: 2, graceMs: 1500 } } },
  );
});
duringDelete.run();

// On the queue (`runs: 'queue'`) a start adds a job instead of running here: while the instance
// is held (its delete under way), it is refused as a local start is (it used to add the job).
const queuedUrl = requirePostgresUrl("a queued start while its instance's delete is under way (Postgres)");
if (queuedUrl) {
  const duringDeleteQueued = suite("a queued start while its instance's delete is under way (Postgres)");
  duringDeleteQueued('is refused with 409: its run is cancelled and no job is added', async () => {
    const database = await createScratchDatabase(queuedUrl, 'athanor_race');
    try {
      await withServer(
        async ({ workbench }) => {
          const { experiments } = workbench;
          const jobs = async (runId: string) => (await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${runId}`.execute(workbench.database.db)).rows[0]!.n;
          const instance = await experiments.createInstance({ experiment: 'kernel_fixture', name: 'doomed', configuration: {} });
          const run = await experiments.createRun(instance.id, {});
          const release = workbench.supervisor.holdInstance(instance.id); // as deleteInstance does while it cancels the instance's runs
          try {
            const refused = await experiments.startRun(run.id).then(
              (started) => `queued: ${started.status}`,
              (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
            );
            assert.is(refused, `ERR_CONFLICT: run ${run.id} was cancelled, not started: its instance ${instance.id} is being deleted`);
          } finally {
            release();
          }
          assert.is((await experiments.getRun(run.id)).status, 'cancelled');
          assert.is(await jobs(run.id), 0, 'no job for the refused run');
          // Released, a start queues as before.
          const next = await experiments.startRun((await experiments.createRun(instance.id, {})).id);
          assert.is(next.status, 'pending');
          assert.is(await jobs(next.id), 1);
        },
        { workbench: { database: database.url, runs: 'queue' } },
      );
    } finally {
      await database.drop();
    }
  });
  duringDeleteQueued.run();
}

raceSuite('PGlite', async () => {
  const folder = await createPgliteFolder({ migrated: true });
  return { spec: `pglite:${folder.dir}`, drop: folder.remove };
});

const url = requirePostgresUrl("run starts racing an instance's deletion (Postgres)");
if (url) {
  raceSuite('Postgres', async () => {
    const schema = await createScratchSchema(url);
    return { spec: schema.url, drop: schema.drop };
  });
}
