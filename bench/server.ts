/**
 * `npm run bench -- server`: the API under load. 50 open event streams and 20 runs
 * logging at full speed, while a client times `GET /api/instances` and `GET /api/runs/:id`;
 * the same requests on the idle server are the reference. Reports p50/p95 and whether any
 * stream stalled (went > 2 s without an event while runs were logging).
 * On Postgres; `ATHANOR_BENCH_SERVER_DB=pglite` runs it on the embedded default instead.
 */
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpServer } from '../core/http/http-server.ts';
import { createWorkbench } from '../core/workbench.ts';
import { withBenchSchema } from './bench-postgres.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

/** Runs the load client in its own process and returns what it measured. */
async function loadClient(base: string, streams: number, durationMs: number, paths: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bench/fixtures/server-load-client.mjs'), base, String(streams), String(durationMs), ...paths], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(output) as { times: number[]; maxGap: number; chunks: number };
}

export default function serverBench(): Promise<Record<string, number>> {
  if (process.env.ATHANOR_BENCH_SERVER_DB === 'pglite') return measure('pglite');
  return withBenchSchema((url) => measure(url));
}

async function measure(database: string): Promise<Record<string, number>> {
  await mkdir(join(ROOT, 'test-output'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'test-output', 'bench-server-'));
  await cp(join(ROOT, 'bench/fixtures/bench_logger.ts'), join(dir, 'bench_logger.ts'));
  const spec = database === 'pglite' ? `pglite:${join(dir, '.db')}` : database;
  const workbench = await createWorkbench({ experimentsDir: dir, database: spec, watch: false, supervisor: { concurrency: 20 } });
  const server = await startHttpServer({ workbench, port: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const figures: Record<string, number> = {};
  try {
    const instance = await workbench.experiments.createInstance({ experiment: 'bench_logger', name: `bench ${Date.now()}`, configuration: { count: 10_000_000 } });
    const probe = await workbench.experiments.createRun(instance.id);
    const paths = ['/api/instances', `/api/runs/${probe.id}`];
    const { times: idle } = await loadClient(base, 0, 3000, paths);

    const runs = [];
    for (let i = 0; i < 20; i++) {
      const run = await workbench.experiments.createRun(instance.id);
      runs.push(await workbench.experiments.startRun(run.id));
    }
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const { times: loaded, maxGap, chunks } = await loadClient(base, 50, 8000, paths);
    loop.disable();
    figures.event_loop_delay_p99_ms = +(loop.percentile(99) / 1e6).toFixed(1);
    figures.event_loop_delay_max_ms = +(loop.max / 1e6).toFixed(1);
    // Every run must still be logging when the load client stops, or the figures flatter us.
    const stillRunning = (await Promise.all(runs.map((run) => workbench.experiments.getRun(run.id)))).filter((run) => run.status === 'running').length;
    figures.runs_still_logging_at_end = stillRunning;
    for (const run of runs) await workbench.experiments.cancelRun(run.id);
    const ended = await Promise.all(runs.map((run) => workbench.experiments.waitForRun(run.id)));
    figures.log_entries_stored = ended.reduce((sum, run) => sum + (run.logCount ?? 0), 0);
    const stalls = { max: maxGap, events: chunks };

    figures.idle_p50_ms = +percentile(idle, 0.5).toFixed(1);
    figures.idle_p95_ms = +percentile(idle, 0.95).toFixed(1);
    figures.loaded_p50_ms = +percentile(loaded, 0.5).toFixed(1);
    figures.loaded_p95_ms = +percentile(loaded, 0.95).toFixed(1);
    figures.loaded_vs_idle_p95 = +(figures.loaded_p95_ms / Math.max(figures.idle_p95_ms, 0.1)).toFixed(2);
    figures.requests_timed = loaded.length;
    figures.streams = 50;
    figures.runs = 20;
    figures.longest_stream_gap_ms = Math.round(stalls.max);
    figures.stream_chunks = stalls.events;
  } finally {
    await server.close();
    await workbench.close();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\nserver benchmark: 50 event streams, 20 runs logging at full speed (${database === 'pglite' ? 'PGlite' : 'Postgres'})`);
  console.table({
    'GET p95 under load': { figure: `${figures.loaded_p95_ms} ms`, reference: `idle p95 ${figures.idle_p95_ms} ms`, ratio: figures.loaded_vs_idle_p95, target: '≤ 50 ms' },
    'GET p50 under load': { figure: `${figures.loaded_p50_ms} ms`, reference: `idle p50 ${figures.idle_p50_ms} ms`, ratio: '', target: '' },
    "the server's event-loop delay": { figure: `p99 ${figures.event_loop_delay_p99_ms} ms`, reference: `max ${figures.event_loop_delay_max_ms} ms`, ratio: '', target: '' },
    'runs still logging at the end': { figure: figures.runs_still_logging_at_end, reference: `${figures.log_entries_stored} entries stored`, ratio: '', target: '20' },
    'longest gap on a stream': { figure: `${figures.longest_stream_gap_ms} ms`, reference: `${figures.stream_chunks} chunks received`, ratio: '', target: 'no stall' },
  });
  return figures;
}
