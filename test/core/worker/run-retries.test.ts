/**
 * The queue's side of issue 16's last items, on real Postgres with real processes: a
 * serving workbench (`athanor dev --runs queue`) and `athanor worker`s started as each test
 * needs them.
 *
 * - A queued run cancelled before any worker took it leaves no job behind.
 * - A run whose experiment imports a package the worker's `--project` lacks fails, naming it.
 * - `.retries(n)`: a run whose worker is SIGKILLed mid-run ends failed with the reason and
 *   its next attempt runs on another worker; a run that throws on a worker is retried on
 *   the queue too.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { requirePostgresUrl } from '../../helpers/databases.ts';
import { createScratchDatabase, startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../../helpers/run-pool.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';
import { startWorkbenchProcess, type WorkbenchProcess } from '../../helpers/workbench-process.ts';

const NAME = 'run pool: cancelled jobs, missing packages and retries';
const url = requirePostgresUrl(NAME);
const HEARTBEAT_MS = 1000;
const FINISHED = ['completed', 'failed', 'cancelled'];
const FLAKY = fileURLToPath(new URL('../../fixtures/retries/flaky_fixture.ts', import.meta.url));
/** A package the serving workbench's project has and the workers' project does not. */
const ONLY_ON_SERVER = 'athanor-test-server-only';

interface Context {
  database: { url: string; drop(): Promise<void> };
  /** The serving workbench's project (experiments, and the package only it has). */
  project: TempProject;
  /** The workers' project: no experiments folder needed, no extra package. */
  workerProject: TempProject;
  server: WorkbenchProcess;
  workers: WorkerProcess[];
  sql: pg.Client;
}

const pool = suite<Context>(NAME);

pool.before(async (context) => {
  context.workers = [];
  context.database = await createScratchDatabase(url!);
  context.project = await tempProject('athanor-retries-');
  context.workerProject = await tempProject('athanor-retries-worker-');
  await context.project.addExperiment('flaky_fixture.ts', await readFile(FLAKY, 'utf8'));
  const pkg = join(context.project.root, 'node_modules', ONLY_ON_SERVER);
  await mkdir(pkg);
  await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: ONLY_ON_SERVER, version: '1.0.0', type: 'module', main: 'index.js' }));
  await writeFile(join(pkg, 'index.js'), 'export const answer = 42;\n');
  await context.project.addExperiment(
    'needs_package.ts',
    `import { Definition, Runtime, type RunContext } from 'athanor';
import { answer } from '${ONLY_ON_SERVER}';
export const experiment = () => Definition.new().name('needs_package');
export async function run(ctx: RunContext) { Runtime.result(ctx, 'answer', answer); }
`,
  );
  process.env.ATHANOR_POOL_HEARTBEAT_MS = String(HEARTBEAT_MS);
  context.server = await startWorkbenchProcess(['--runs', 'queue', '--db', context.database.url, '--experiments', context.project.experimentsDir]);
  context.sql = new pg.Client({ connectionString: context.database.url });
  await context.sql.connect();
});

pool.after(async (context) => {
  await context.sql?.end().catch(() => {});
  await Promise.all(context.workers.map((worker) => stopWorkerProcess(worker, 5000)));
  if (context.server) {
    context.server.child.kill('SIGTERM');
    await context.server.exited;
  }
  await context.database?.drop();
  await context.project?.remove();
  await context.workerProject?.remove();
  delete process.env.ATHANOR_POOL_HEARTBEAT_MS;
});

const worker = async (context: Context, name: string) => {
  const started = await startWorkerProcess(context.database.url, name, context.workerProject.root, ['--heartbeat', `${HEARTBEAT_MS}ms`, '--concurrency', '1']);
  context.workers.push(started);
  return started;
};

async function startRun(server: WorkbenchProcess, experiment: string, name: string, configuration: Record<string, unknown> = {}) {
  const instance = await server.api('POST', '/api/instances', { experiment, name, configuration });
  assert.ok(instance.id, JSON.stringify(instance));
  const run = await server.api('POST', `/api/instances/${instance.id}/runs`);
  assert.ok(run.id, JSON.stringify(run));
  return { instanceId: instance.id as string, runId: run.id as string };
}

const getRun = (server: WorkbenchProcess, id: string) => server.api('GET', `/api/runs/${id}`);
const ended = (server: WorkbenchProcess, id: string, what: string, timeoutMs = 30_000) =>
  until(async () => {
    const run = await getRun(server, id);
    return FINISHED.includes(run.status) && run;
  }, what, timeoutMs);
const jobsOf = async (sql: pg.Client, runId: string) =>
  (await sql.query(`select count(*)::int as n from graphile_worker._private_jobs where key = $1`, [runId])).rows[0].n as number;

pool('a queued run cancelled before any worker took it leaves no job behind', async ({ server, sql }) => {
  const { runId } = await startRun(server, 'kernel_fixture', 'unworked', { mode: 'complete', count: 1 });
  assert.is((await getRun(server, runId)).status, 'pending');
  assert.is(await jobsOf(sql, runId), 1, 'queued with its job');
  await server.api('POST', `/api/runs/${runId}/cancel`);
  const run = await getRun(server, runId);
  assert.is(run.status, 'cancelled');
  assert.is(await jobsOf(sql, runId), 0, 'its job is gone');
});

pool('deleting an instance whose run waits in the queue drops its job: no worker takes a run of a deleted instance', async ({ server, sql }) => {
  const { instanceId, runId } = await startRun(server, 'kernel_fixture', 'deleted while queued', { mode: 'complete', count: 1 });
  assert.is(await jobsOf(sql, runId), 1, 'queued with its job');
  await server.api('DELETE', `/api/instances/${instanceId}`);
  assert.is((await sql.query('select count(*)::int as n from instances where id = $1', [instanceId])).rows[0].n, 0, 'the instance is gone');
  assert.is(await jobsOf(sql, runId), 0, 'its run\'s job is gone');
});

pool("a run importing a package missing from the worker's --project fails, naming the package", async (context) => {
  const { server } = context;
  const lone = await worker(context, 'bare');
  try {
    const { runId } = await startRun(server, 'needs_package', 'missing');
    const run = await ended(server, runId, 'the run to end on the worker');
    assert.is(run.status, 'failed');
    assert.is(run.worker, 'bare');
    assert.match(run.error, new RegExp(`${ONLY_ON_SERVER}`), run.error);
    assert.equal(run.retriedBy, null, 'no retries asked');
  } finally {
    await stopWorkerProcess(lone, 5000);
    context.workers = context.workers.filter((w) => w !== lone);
  }
});

pool('retries(2): a run whose worker is SIGKILLed mid-run ends failed with the reason, and attempt 2 completes on another worker', async (context) => {
  const { server } = context;
  const [w1, w2] = await Promise.all([worker(context, 'w1'), worker(context, 'w2')]);
  const { runId } = await startRun(server, 'flaky_fixture', 'killed', { fail_until: 1, how: 'hang' });
  const running = await until(async () => {
    const run = await getRun(server, runId);
    return run.status === 'running' && run.worker && run;
  }, 'the first attempt to run on a worker', 30_000);
  const victim = [w1, w2].find((w) => w.name === running.worker)!;
  victim.child.kill('SIGKILL');
  await victim.exited;
  context.workers = context.workers.filter((w) => w !== victim);
  const first = await ended(server, runId, 'the killed attempt to end', 20_000);
  assert.is(first.status, 'failed');
  assert.is(first.error, `interrupted: worker ${victim.name} stopped`);
  const retryId: string = await until(async () => (await getRun(server, runId)).retriedBy ?? undefined, 'the retry to be queued', 10_000);
  const second = await ended(server, retryId, 'the second attempt to end');
  assert.equal(
    [second.status, second.attempt, second.retries, second.retryOf, second.codeHash, second.configuration],
    ['completed', 2, 2, runId, first.codeHash, first.configuration],
    second.error,
  );
  assert.ok(second.worker && second.worker !== victim.name, `ran elsewhere (on ${second.worker})`);
  const results = await server.api('GET', `/api/runs/${retryId}/results`);
  assert.equal(results.items.map((r: { key: string; value: unknown }) => [r.key, r.value]), [['attempt', 2]]);
});

pool('retries(2): a run that throws on a worker is retried on the queue until an attempt completes', async ({ server }) => {
  const { instanceId, runId } = await startRun(server, 'flaky_fixture', 'throws', { fail_until: 2, how: 'throw' });
  const runs = await until(async () => {
    const page = await server.api('GET', `/api/instances/${instanceId}/runs`);
    const all = [...page.items].reverse();
    return all.length === 3 && all.every((run: { status: string }) => FINISHED.includes(run.status)) && all;
  }, 'three attempts to end', 60_000);
  assert.equal(runs.map((run: { attempt: number; status: string }) => [run.attempt, run.status]), [[1, 'failed'], [2, 'failed'], [3, 'completed']]);
  assert.equal(runs.map((run: { retryOf: string | null }) => run.retryOf), [null, runId, runs[1].id]);
  assert.match(runs[0].error, /attempt 1 failed/);
});

if (url) pool.run();
