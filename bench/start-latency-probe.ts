/**
 * A probe, not a bench: where a queued run's start (add → first log event on the serving
 * workbench) spends its time, beside a local run's, stage by stage. Timestamps: the start
 * call (t0), its answer (queued / started), the run row's `started_at` (set when the run is
 * marked running, by the node that runs it: same machine, same clock), the first log row's
 * `timestamp` (taken in the run's process), and the first `run.log` event on the bus.
 *
 *   node --import tsx bench/start-latency-probe.ts   (ATHANOR_TEST_DATABASE_URL, 8 starts each)
 *
 * `PROBE_WARM_TSX_CACHE=1` first imports the worker's snapshot of the experiment once in a
 * process that lives long enough for tsx to write its transform cache. It found the cause
 * of a slow queued start: run hosts exited right after their run, before tsx's asynchronous
 * cache write landed, so a snapshot only run hosts import was transformed again (esbuild)
 * by every run; run-host-entry.ts now lets such writes land before exiting.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWorkbench, type Workbench } from '../core/workbench.ts';
import { createScratchDatabase, startWorkerProcess, stopWorkerProcess } from '../test/helpers/run-pool.ts';
import { tempProject } from '../test/helpers/temp-project.ts';
import { BENCH_POSTGRES_URL } from './bench-postgres.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const STARTS = Number(process.env.PROBE_STARTS ?? 8);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function probe(workbench: Workbench): Promise<Record<string, number>> {
  const instance = await workbench.experiments.createInstance({ experiment: 'bench_logger', name: `p-${Math.random()}`, configuration: { count: 1, batch: 1 } });
  const run = await workbench.experiments.createRun(instance.id);
  await new Promise((resolve) => setTimeout(resolve, 300)); // warm hosts ready again
  const t0 = Date.now();
  let running = 0;
  const offStatus = workbench.bus.subscribe('run.status', (event) => {
    if (event.runId === run.id && event.status === 'running' && !running) running = Date.now();
  });
  const firstLog = new Promise<number>((resolve) => {
    const off = workbench.bus.subscribe('run.log', (event) => event.runId === run.id && (off(), resolve(Date.now())));
  });
  await workbench.experiments.startRun(run.id);
  const answered = Date.now();
  const logged = await firstLog;
  const final = await workbench.experiments.waitForRun(run.id);
  offStatus();
  const [log] = (await workbench.experiments.readLogs(run.id, { after: 0, limit: 1 })).items;
  const startedAt = Date.parse(final.startedAt!);
  const loggedAt = Date.parse(log!.timestamp);
  return {
    'start call answered': answered - t0,
    'marked running (row)': startedAt - t0,
    'running event on bus': running ? running - t0 : NaN,
    'first log written in the run': loggedAt - t0,
    'first log event on bus': logged - t0,
  };
}

async function series(workbench: Workbench): Promise<Record<string, number>> {
  const all: Record<string, number>[] = [];
  for (let i = 0; i < STARTS; i++) all.push(await probe(workbench));
  return Object.fromEntries(Object.keys(all[0]!).map((key) => [key, median(all.map((one) => one[key]!))]));
}

const database = await createScratchDatabase(BENCH_POSTGRES_URL, 'athanor_probe');
const project = await tempProject('athanor-probe-');
await copyFile(join(FIXTURES, 'bench_logger.ts'), join(project.experimentsDir, 'bench_logger.ts'));
const open = (runs: 'local' | 'queue') =>
  createWorkbench({ experimentsDir: project.experimentsDir, database: database.url, watch: false, runs, supervisor: { concurrency: 2 }, dispatcher: { warm: runs === 'local' ? 2 : 0 } });
try {
  const local = await open('local');
  const localFigures = await series(local).finally(() => local.close());
  const queue = await open('queue');
  const worker = await startWorkerProcess(database.url, 'probe-w1', project.root, ['--concurrency', '2']);
  try {
    if (process.env.PROBE_WARM_TSX_CACHE) {
      await probe(queue);
      const { readdirSync } = await import('node:fs');
      const { execFileSync } = await import('node:child_process');
      const dir = join(project.root, '.athanor', 'snapshots');
      const file = join(dir, readdirSync(dir).find((name) => !name.startsWith('.'))!, 'bench_logger.ts');
      const TSX = import.meta.resolve('tsx');
      execFileSync(process.execPath, ['--import', TSX, '-e', `import(${JSON.stringify(file)}).then(() => setTimeout(() => {}, 500))`], { cwd: project.root });
    }
    const queueFigures = await series(queue);
    console.table(Object.fromEntries(Object.keys(localFigures).map((key) => [key, { local: localFigures[key], queue: queueFigures[key] }])));
  } finally {
    await stopWorkerProcess(worker, 10_000);
    await queue.close();
  }
} finally {
  await database.drop();
  await project.remove();
}
