/**
 * Runs on several machines (issue 16), on one: a serving workbench (`athanor dev --runs
 * queue`) and three `athanor worker` processes sharing a fresh Postgres database. Real
 * processes, real HTTP, real graphile-worker; the lease beats every 3 s (a worker missing
 * three is gone) so the file stays short.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { requirePostgresUrl } from '../../helpers/databases.ts';
import { createScratchDatabase, startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../../helpers/run-pool.ts';
import { listen } from '../../helpers/sse-client.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';
import { childPids, startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';
import { readFileSync } from 'node:fs';

const NAME = 'run pool: a workbench on the queue and three worker processes';
const url = requirePostgresUrl(NAME);
const HEARTBEAT_MS = 3000;
/** Runs of the spread test: the 60, each worker must run some. */
const SPREAD_RUNS = 60;

interface Context {
  database: { url: string; drop(): Promise<void> };
  project: TempProject;
  server: WorkbenchProcess;
  workers: WorkerProcess[];
  sql: pg.Client;
}

const pool = suite<Context>(NAME);
const FINISHED = ['completed', 'failed', 'cancelled'];

pool.before(async (context) => {
  context.database = await createScratchDatabase(url!);
  context.project = await tempProject('athanor-pool-');
  process.env.ATHANOR_POOL_HEARTBEAT_MS = String(HEARTBEAT_MS);
  context.server = await startWorkbenchProcess(['--runs', 'queue', '--db', context.database.url, '--experiments', context.project.experimentsDir]);
  const heartbeat = ['--heartbeat', `${HEARTBEAT_MS}ms`, '--concurrency', '2'];
  context.workers = await Promise.all(['w1', 'w2', 'w3'].map((name) => startWorkerProcess(context.database.url, name, context.project.root, heartbeat)));
  context.sql = new pg.Client({ connectionString: context.database.url });
  await context.sql.connect();
});

pool.after(async (context) => {
  await context.sql?.end().catch(() => {});
  await Promise.all((context.workers ?? []).map((worker) => stopWorkerProcess(worker, 5000)));
  if (context.server) {
    context.server.child.kill('SIGTERM');
    await context.server.exited;
  }
  await context.database?.drop();
  await context.project?.remove();
  delete process.env.ATHANOR_POOL_HEARTBEAT_MS;
});

async function instance(server: WorkbenchProcess, name: string, configuration: Record<string, unknown>): Promise<string> {
  const created = await server.api('POST', '/api/instances', { experiment: 'kernel_fixture', name, configuration });
  assert.ok(created.id, JSON.stringify(created));
  return created.id;
}

async function startRun(server: WorkbenchProcess, instanceId: string): Promise<string> {
  const run = await server.api('POST', `/api/instances/${instanceId}/runs`);
  assert.ok(run.id, JSON.stringify(run));
  return run.id;
}

const getRun = (server: WorkbenchProcess, id: string) => server.api('GET', `/api/runs/${id}`);

pool(`${SPREAD_RUNS} runs spread over all three workers and complete with every row; the server streams their logs`, async ({ server, sql }) => {
  const health = await server.api('GET', '/api/health');
  assert.is(health.pool.runs, 'queue');
  // Workers run everything: the serving workbench keeps no warm run host (user test: one idled all session).
  const command = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  const hosts = childPids(server.child.pid!).filter((pid) => { try { return command(pid).includes('run-host-entry'); } catch { return false; } });
  assert.equal(hosts, [], 'no run host on the serving workbench');
  assert.equal(health.pool.workers.map((worker: { name: string }) => worker.name), ['w1', 'w2', 'w3']);
  const id = await instance(server, 'spread', { mode: 'complete', count: 10, delay_ms: 1 });
  const events = listen(`${server.url}/api/events?instance=${id}`);
  try {
    await until(() => events.connected(), 'the event stream to open');
    const runs: string[] = [];
    for (let i = 0; i < SPREAD_RUNS; i++) runs.push(await startRun(server, id));
    const finals = await until(
      async () => {
        const all = await Promise.all(runs.map((run) => getRun(server, run)));
        return all.every((run) => FINISHED.includes(run.status)) && all;
      },
      `the ${SPREAD_RUNS} runs to end`,
      120_000,
    );
    for (const run of finals) {
      assert.is(run.status, 'completed', `${run.id}: ${run.error}`);
      assert.is(run.logCount, 11);
      assert.is(run.resultCount, 10);
    }
    const byWorker = new Map<string, number>();
    for (const run of finals) byWorker.set(run.worker, (byWorker.get(run.worker) ?? 0) + 1);
    assert.equal([...byWorker.keys()].sort(), ['w1', 'w2', 'w3'], `runs per worker: ${JSON.stringify([...byWorker])}`);
    const rows = await sql.query('select count(*)::int as logs, count(distinct run_id)::int as runs from run_logs where run_id = any($1)', [runs]);
    assert.equal(rows.rows[0], { logs: 11 * SPREAD_RUNS, runs: SPREAD_RUNS });
    const results = await sql.query('select count(*)::int as n from run_results where run_id = any($1)', [runs]);
    assert.is(results.rows[0].n, 10 * SPREAD_RUNS);
    // The serving workbench's live stream carries the workers' logs and final statuses.
    await until(() => runs.every((run) => events.received.some((e) => e.event === 'run.status' && e.data.runId === run && e.data.status === 'completed')), 'every run.status completed on the stream', 30_000);
    const logged = new Map<string, number>();
    for (const event of events.received) if (event.event === 'run.log') logged.set(event.data.runId, (logged.get(event.data.runId) ?? 0) + event.data.entries.length);
    assert.is(logged.size, SPREAD_RUNS, 'run.log events for every run');
    for (const [run, count] of logged) assert.is(count, 11, `run ${run}: all 11 log entries streamed`);
  } finally {
    await events.close();
  }
});

pool('a run on a worker, cancelled from the server, ends cancelled within 6 s', async ({ server }) => {
  const id = await instance(server, 'cancel', { mode: 'cooperative', delay_ms: 20 });
  const runId = await startRun(server, id);
  const running = await until(async () => {
    const run = await getRun(server, runId);
    return run.status === 'running' && run.worker && run;
  }, 'the run to start on a worker', 30_000);
  assert.match(running.worker, /^w[123]$/);
  const started = Date.now();
  const answer = await server.api('POST', `/api/runs/${runId}/cancel`);
  assert.match(JSON.stringify(answer), new RegExp(`cancelled on worker ${running.worker}`));
  const ended = await until(async () => {
    const run = await getRun(server, runId);
    return FINISHED.includes(run.status) && run;
  }, 'the cancelled run to end', 6000);
  assert.is(ended.status, 'cancelled');
  assert.ok(Date.now() - started <= 6000);
});

pool("SIGKILL on a worker: its runs end 'interrupted: worker NAME stopped' within 20 s, others' run on, queued jobs run elsewhere", async (context) => {
  const { server, workers } = context;
  const long = await instance(server, 'long', { mode: 'cooperative', delay_ms: 20 });
  const longRuns: string[] = [];
  for (let i = 0; i < 6; i++) longRuns.push(await startRun(server, long));
  const placed = await until(async () => {
    const all = await Promise.all(longRuns.map((run) => getRun(server, run)));
    // Each has stored its first line ("mode …"): what the kill must keep. Running alone is not
    // enough on a loaded machine, where the kill could come before the first batch is stored.
    return all.every((run) => run.status === 'running' && run.logCount >= 1) && all;
  }, 'six long runs running (every slot taken), each with its first line stored', 60_000);
  const short = await instance(server, 'after', { mode: 'complete', count: 5, delay_ms: 1 });
  const queued = [await startRun(server, short), await startRun(server, short)];
  const victim = workers.find((worker) => worker.name === placed[0].worker)!;
  const victimRuns = placed.filter((run) => run.worker === victim.name).map((run) => run.id);
  const otherRuns = placed.filter((run) => run.worker !== victim.name).map((run) => run.id);
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exited;
  const ended = await until(async () => {
    const all = await Promise.all(victimRuns.map((run) => getRun(server, run)));
    return all.every((run) => FINISHED.includes(run.status)) && all;
  }, "the killed worker's runs to end", 20_000);
  assert.ok(Date.now() - killedAt <= 20_000);
  for (const run of ended) {
    assert.is(run.status, 'failed');
    assert.is(run.error, `interrupted: worker ${victim.name} stopped`);
    assert.ok(run.logCount >= 1, 'what it stored is kept');
    assert.is(run.retriedBy, null, 'kernel_fixture asks no retries: nothing runs again');
  }
  for (const run of await Promise.all(otherRuns.map((id) => getRun(server, id)))) assert.is(run.status, 'running', `${run.id} on ${run.worker} untouched`);
  // The freed slots are gone with the worker: the queued runs start when the others' runs end.
  for (const run of otherRuns) await server.api('POST', `/api/runs/${run}/cancel`);
  const after = await until(async () => {
    const all = await Promise.all(queued.map((run) => getRun(server, run)));
    return all.every((run) => FINISHED.includes(run.status)) && all;
  }, 'the queued runs to run elsewhere', 30_000);
  for (const run of after) {
    assert.is(run.status, 'completed', run.error);
    assert.ok(run.worker !== victim.name);
  }
  const longPage = await server.api('GET', `/api/instances/${long}/runs`);
  assert.is(longPage.items.length, 6, 'no retry of the killed runs');
  context.workers = workers.filter((worker) => worker !== victim);
});

pool("a dead worker's claimed, unstarted job is unlocked and run by another", async ({ server, sql }) => {
  // Every slot is taken, so the next job waits unlocked; it is then made a dead worker's:
  // locked by its graphile-worker id and claimed by it, as if it died between the two.
  const hold = await instance(server, 'hold', { mode: 'cooperative', delay_ms: 20 });
  const holding: string[] = [];
  for (let i = 0; i < 4; i++) holding.push(await startRun(server, hold));
  await until(async () => (await Promise.all(holding.map((run) => getRun(server, run)))).every((run) => run.status === 'running'), 'four runs holding the slots', 60_000);
  const id = await instance(server, 'orphan', { mode: 'complete', count: 3, delay_ms: 1 });
  const orphan = await startRun(server, id);
  // In one transaction: a node's look for dead workers between the ghost's row and its lock
  // would remove the row before the job is locked by it, leaving the lock no one ever frees.
  await sql.query('begin');
  try {
    await sql.query(`insert into workers (owner, name, concurrency, job_workers, heartbeat_at) values ('ghost:1:x', 'ghost', 1, '["worker-ghost"]', now() - interval '1 hour')`);
    const locked = await sql.query(`update graphile_worker._private_jobs set locked_by = 'worker-ghost', locked_at = now() where key = $1 and locked_by is null returning id`, [orphan]);
    assert.is(locked.rowCount, 1, 'the job was still waiting');
    await sql.query(`update runs set owner = 'ghost:1:x', worker = 'ghost' where id = $1`, [orphan]);
    await sql.query('commit');
  } catch (error) {
    await sql.query('rollback');
    throw error;
  }
  for (const run of holding) await server.api('POST', `/api/runs/${run}/cancel`);
  const ran = await until(async () => {
    const run = await getRun(server, orphan);
    return FINISHED.includes(run.status) && run;
  }, 'the orphaned job to run elsewhere', 30_000);
  assert.is(ran.status, 'completed', ran.error);
  assert.match(ran.worker, /^w[123]$/);
  assert.is((await sql.query(`select count(*)::int as n from workers where name = 'ghost'`)).rows[0].n, 0, "the dead worker's lease is gone");
});

pool('SIGTERM drains a worker: a run that ends within --drain completes, the rest are cancelled, exit 0', async ({ server, database, project }) => {
  // A fourth worker with room for every run; what it ran is checked, whoever else ran the rest.
  const drainer = await startWorkerProcess(database.url, 'w4', project.root, ['--heartbeat', `${HEARTBEAT_MS}ms`, '--concurrency', '8', '--drain', '2s']);
  try {
    const id = await instance(server, 'drain', { mode: 'cooperative', delay_ms: 20 });
    const runs: string[] = [];
    for (let i = 0; i < 8; i++) runs.push(await startRun(server, id));
    const onW4 = await until(async () => {
      const all = await Promise.all(runs.map((run) => getRun(server, run)));
      const mine = all.filter((run) => run.worker === 'w4' && run.status === 'running');
      return all.every((run) => run.status === 'running') && mine.length > 0 && mine;
    }, 'the runs running, some on w4', 60_000);
    drainer.child.kill('SIGTERM');
    const exit = await drainer.exited;
    assert.equal(exit, { code: 0, signal: null }, drainer.output());
    for (const run of await Promise.all(onW4.map((r: { id: string }) => getRun(server, r.id)))) {
      assert.is(run.status, 'cancelled');
      assert.match(run.error, /worker w4 stopped \(its 2 s drain ended\)/);
    }
    for (const run of runs) await server.api('POST', `/api/runs/${run}/cancel`);
  } finally {
    await stopWorkerProcess(drainer, 5000);
  }
});

if (url) pool.run();
