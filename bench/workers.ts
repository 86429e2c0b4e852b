/**
 * `npm run bench -- workers`: runs on a pool of `athanor worker` processes (issue 16)
 * beside the same runs on this machine's own supervisor, in one run, on one fresh
 * Postgres database:
 * - start: start request → the run's first log event on the serving workbench's bus
 *   (median of 10), queued (a worker runs it, the rows come back through NOTIFY) vs local;
 * - throughput: N runs (default 1,000) of a 10-line experiment over 3 workers with
 *   concurrency 2, vs the same runs local with concurrency 6;
 * - ingestion: 3 workers each running one 1,000,000-line run, total rows/s, vs one
 *   worker running one such run alone;
 * - dead worker: SIGKILL a worker with a run under way → the run ended `failed` (default
 *   5 s beat: three missed beats, then the next look).
 */
import { join } from 'node:path';
import { copyFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createWorkbench, type Workbench } from '../core/workbench.ts';
import { FINISHED_STATUSES, type Run } from '../core/records.ts';
import { BENCH_POSTGRES_URL } from './bench-postgres.ts';
import { createScratchDatabase, startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../test/helpers/run-pool.ts';
import { tempProject } from '../test/helpers/temp-project.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** Each figure as it is measured, on stderr: a long run shows where it is. */
const note = (name: string, value: number) => console.error(`  workers bench: ${name} = ${value}`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 1) => +value.toFixed(digits);

async function instance(workbench: Workbench, configuration: Record<string, unknown>) {
  return workbench.experiments.createInstance({ experiment: 'bench_logger', name: `b-${Math.random().toString(36).slice(2)}`, configuration });
}

/** Start request → first `run.log` event of the run on the workbench's bus. */
async function firstLogMs(workbench: Workbench): Promise<number> {
  const { id } = await instance(workbench, { count: 1, batch: 1 });
  const run = await workbench.experiments.createRun(id);
  await new Promise((resolve) => setTimeout(resolve, 300)); // warm hosts ready again
  const started = performance.now();
  const first = new Promise<number>((resolve) => {
    const off = workbench.bus.subscribe('run.log', (event) => event.runId === run.id && (off(), resolve(performance.now() - started)));
  });
  await workbench.experiments.startRun(run.id);
  const ms = await first;
  await workbench.experiments.waitForRun(run.id);
  return ms;
}

/** Starts `count` runs of one instance and waits for all; runs per second from the first start. */
async function throughput(workbench: Workbench, count: number, configuration: Record<string, unknown>): Promise<{ perSecond: number; runs: Run[] }> {
  const { id } = await instance(workbench, configuration);
  // Each run created and started in turn, as `POST /api/instances/:id/runs` does (a run left
  // pending unstarted is ended by recovery after 15 s).
  const created: string[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const run = await workbench.experiments.createRun(id);
    await workbench.experiments.startRun(run.id);
    created.push(run.id);
  }
  const runs = await Promise.all(created.map((run) => workbench.experiments.waitForRun(run)));
  const seconds = (performance.now() - started) / 1000;
  const failed = runs.filter((run) => run.status !== 'completed');
  if (failed.length) throw new Error(`${failed.length} bench run(s) did not complete: ${failed[0]!.error}`);
  return { perSecond: count / seconds, runs };
}

export default async function workersBench(): Promise<Record<string, number>> {
  const runs = Number(process.env.BENCH_WORKERS_RUNS ?? 1000);
  const lines = Number(process.env.BENCH_WORKERS_LINES ?? 1_000_000);
  const figures: Record<string, number> = {};
  const database = await createScratchDatabase(BENCH_POSTGRES_URL, 'athanor_bench_pool');
  const project = await tempProject('athanor-bench-pool-');
  await copyFile(join(FIXTURES, 'bench_logger.ts'), join(project.experimentsDir, 'bench_logger.ts'));
  const workers: WorkerProcess[] = [];
  try {
    const open = (runs: 'local' | 'queue') =>
      createWorkbench({
        experimentsDir: project.experimentsDir,
        database: database.url,
        watch: false,
        runs,
        supervisor: { concurrency: 6 },
        dispatcher: { warm: runs === 'local' ? 6 : 0 },
      });
    // Local first, alone on the machine.
    const local = await open('local');
    try {
      const starts: number[] = [];
      for (let i = 0; i < 10; i++) starts.push(await firstLogMs(local));
      figures.start_local_ms = round(median(starts));
      note('start_local_ms', figures.start_local_ms!);
      figures.runs_per_s_local = round((await throughput(local, runs, { count: 10, batch: 1 })).perSecond, 2);
      note('runs_per_s_local', figures.runs_per_s_local!);
    } finally {
      await local.close();
    }

    const queue = await open('queue');
    try {
      for (const name of ['bench-w1', 'bench-w2', 'bench-w3']) workers.push(await startWorkerProcess(database.url, name, project.root, ['--concurrency', '2']));
      const starts: number[] = [];
      for (let i = 0; i < 10; i++) starts.push(await firstLogMs(queue));
      figures.start_queue_ms = round(median(starts));
      note('start_queue_ms', figures.start_queue_ms!);
      figures.start_queue_minus_local_ms = round(figures.start_queue_ms - figures.start_local_ms!);
      const spread = await throughput(queue, runs, { count: 10, batch: 1 });
      figures.runs_per_s_queue = round(spread.perSecond, 2);
      note('runs_per_s_queue', figures.runs_per_s_queue!);
      figures.queue_vs_local = round(figures.runs_per_s_queue / figures.runs_per_s_local!, 3);
      figures.workers_used = new Set(spread.runs.map((run) => run.worker)).size;

      const one = await throughput(queue, 1, { count: lines, batch: 500 });
      figures.ingest_one_worker_rows_per_s = Math.round(lines * one.perSecond);
      note('ingest_one_worker_rows_per_s', figures.ingest_one_worker_rows_per_s!);
      const three = await throughput(queue, 3, { count: lines, batch: 500 });
      figures.ingest_three_workers_rows_per_s = Math.round(3 * lines * three.perSecond);
      note('ingest_three_workers_rows_per_s', figures.ingest_three_workers_rows_per_s!);
      figures.ingest_three_vs_one = round(figures.ingest_three_workers_rows_per_s / figures.ingest_one_worker_rows_per_s, 3);
      figures.ingest_three_workers_used = new Set(three.runs.map((run) => run.worker)).size;

      // Dead worker: a run that would go on for minutes; its worker killed.
      const { id } = await instance(queue, { count: 1_000_000_000, batch: 1 });
      const victimRun = await queue.experiments.createRun(id);
      await queue.experiments.startRun(victimRun.id);
      let running: Run;
      for (;;) {
        running = await queue.experiments.getRun(victimRun.id);
        if (running.status === 'running' && running.worker) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const victim = workers.find((worker) => worker.name === running.worker)!;
      const killed = performance.now();
      victim.child.kill('SIGKILL');
      const ended = await queue.experiments.waitForRun(victimRun.id);
      if (!FINISHED_STATUSES.includes(ended.status) || ended.status !== 'failed') throw new Error(`the dead worker's run ended ${ended.status}`);
      figures.dead_worker_to_ended_s = round((performance.now() - killed) / 1000);
      note('dead_worker_to_ended_s', figures.dead_worker_to_ended_s!);
    } finally {
      await Promise.all(workers.map((worker) => stopWorkerProcess(worker, 10_000)));
      await queue.close();
    }
  } finally {
    await database.drop();
    await project.remove();
  }

  console.log(`\nworkers benchmark (${runs.toLocaleString()} runs of 10 lines; ${lines.toLocaleString()}-line runs for ingestion; 3 workers × 2 vs local × 6)`);
  console.table({
    'start → first log event': { figure: `queue ${figures.start_queue_ms} ms`, reference: `local ${figures.start_local_ms} ms`, ratio: `+${figures.start_queue_minus_local_ms} ms`, target: '≤ local + 50 ms' },
    [`${runs} short runs`]: { figure: `queue ${figures.runs_per_s_queue} runs/s (${figures.workers_used} workers)`, reference: `local ${figures.runs_per_s_local} runs/s`, ratio: figures.queue_vs_local, target: '≥ 0.8' },
    ingestion: { figure: `3 workers ${figures.ingest_three_workers_rows_per_s!.toLocaleString()} rows/s`, reference: `1 worker ${figures.ingest_one_worker_rows_per_s!.toLocaleString()} rows/s`, ratio: figures.ingest_three_vs_one, target: '≥ 1.3' },
    'dead worker → its run ended': { figure: `${figures.dead_worker_to_ended_s} s`, reference: '5 s beat × 3', ratio: '', target: '≤ 20 s' },
  });
  return figures;
}
