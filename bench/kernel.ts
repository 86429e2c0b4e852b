/**
 * `npm run bench -- kernel`: the run kernel's figures beside their references, measured
 * in the same run.
 * - ingestion: one run logs 1,000,000 entries (logBatch, 500 a call) into Postgres, from
 *   start request to the run's final status (every row committed), vs COPY of the same
 *   rows into the same table; and the same run on PGlite, vs the Postgres figure;
 * - start: start request → first log row stored, median of 20, vs a bare `tsx file.ts`
 *   printing one line;
 * - memory: this process' RSS growth over a run logging 5,000,000 entries.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createEventBus } from '../core/events/event-bus.ts';
import { createExperimentsService } from '../core/experiments-service.ts';
import { createLocalDispatcher } from '../core/supervisor/local-dispatcher.ts';
import { createRunSupervisor } from '../core/supervisor/run-supervisor.ts';
import { openDatabase, type Database } from '../storage/open-database.ts';
import { withBenchSchema } from './bench-postgres.ts';
import { experiment as benchLogger } from './fixtures/bench_logger.ts';
import { takeCodeSnapshot } from '../plugins/graph/code-snapshot.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const definition = benchLogger().resolve();

type Kernel = { runLogger(count: number): Promise<{ ms: number; runId: string }>; firstLogMs(): Promise<number> };

/** A kernel as the workbench builds it: the code read (and, with `keepCode`, kept) before each run, as the registry does. */
async function withKernel<T>(database: Database, fn: (k: Kernel) => Promise<T>, { keepCode = true } = {}) {
  const bus = createEventBus();
  const service = createExperimentsService({ database, definitions: () => definition });
  const file = join(FIXTURES, 'bench_logger.ts');
  const supervisor = createRunSupervisor({
    service, bus, dispatcher: createLocalDispatcher(), keepCode,
    resolveExperiment: async () => {
      const snapshot = (await takeCodeSnapshot(file, FIXTURES))!;
      return { file: 'bench_logger.ts', absoluteFile: file, codeHash: snapshot.hash, snapshot, root: FIXTURES };
    },
  });
  await supervisor.start();
  const instance = async (count: number) => service.createInstance({ experiment: 'bench_logger', name: randomUUID(), configuration: { count } });
  try {
    return await fn({
      async runLogger(count) {
        const run = await service.createRun((await instance(count)).id);
        const started = performance.now();
        await supervisor.startRun(run.id);
        const final = await supervisor.waitFor(run.id);
        if (final.status !== 'completed') throw new Error(`bench run ${final.status}: ${final.error}`);
        return { ms: performance.now() - started, runId: run.id };
      },
      async firstLogMs() {
        const run = await service.createRun((await instance(1)).id);
        await new Promise((resolve) => setTimeout(resolve, 400)); // let the warm host get ready
        const started = performance.now();
        const first = new Promise<number>((resolve) => {
          const off = bus.subscribe('run.log', (e) => e.runId === run.id && (off(), resolve(performance.now() - started)));
        });
        await supervisor.startRun(run.id);
        const ms = await first;
        await supervisor.waitFor(run.id);
        return ms;
      },
    });
  } finally {
    await supervisor.stop();
  }
}

/** COPY the same rows the logger produces into run_logs (rows built in Node, as ours are). */
async function copyRows(url: string, runId: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const metadata = JSON.stringify({ worker: 3, phase: 'train' }).replace(/\\/g, '\\\\');
    const started = performance.now();
    const rows = (function* () {
      for (let i = 0; i < count; i += 1000) {
        let chunk = '';
        for (let j = i; j < Math.min(count, i + 1000); j++) {
          chunk += `${runId}\t${j + 1}\tinfo\tstep ${j + 1}: loss 0.4321 accuracy 0.8765 lr 0.001\t${metadata}\t${new Date().toISOString()}\n`;
        }
        yield chunk;
      }
    })();
    await pipeline(Readable.from(rows), client.query(copyFrom('copy run_logs (run_id, seq, level, message, metadata, timestamp) from stdin')));
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

async function bareTsxMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'hello.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout!.once('data', resolve));
  const ms = performance.now() - started;
  await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

export default async function kernelBench(): Promise<Record<string, number>> {
  const rows = Number(process.env.BENCH_KERNEL_ROWS ?? 1_000_000);
  const memoryRows = Number(process.env.BENCH_KERNEL_MEMORY_ROWS ?? 5_000_000);
  const figures: Record<string, number> = {};
  await withBenchSchema(async (url) => {
  const postgres = await openDatabase(url);
  try {
    await withKernel(postgres, async (kernel) => {
      const ours = await kernel.runLogger(rows);
      // COPY into the same table, under a second run's id (its own rows removed first).
      const copyRun = await kernel.runLogger(1);
      await postgres.db.deleteFrom('run_logs').where('run_id', '=', copyRun.runId).execute();
      const copy = await copyRows(url, copyRun.runId, rows);
      figures.postgres_rows_per_s = rate(rows, ours.ms);
      figures.copy_rows_per_s = rate(rows, copy);
      figures.postgres_vs_copy = +(figures.postgres_rows_per_s! / figures.copy_rows_per_s!).toFixed(3);

      // Start → first log row with the code and environment kept (the default), beside the
      // same start without keeping them, interleaved so both see the same machine.
      const starts: number[] = [];
      const unkept: number[] = [];
      const bare: number[] = [];
      await withKernel(postgres, async (withoutCode) => {
        for (let i = 0; i < 20; i++) {
          starts.push(await kernel.firstLogMs());
          unkept.push(await withoutCode.firstLogMs());
          bare.push(await bareTsxMs());
        }
      }, { keepCode: false });
      figures.start_to_first_log_ms = +median(starts).toFixed(1);
      figures.start_without_keeping_code_ms = +median(unkept).toFixed(1);
      figures.keeping_code_overhead = +(figures.start_to_first_log_ms! / figures.start_without_keeping_code_ms! - 1).toFixed(3);
      figures.bare_tsx_ms = +median(bare).toFixed(1);
      figures.start_vs_bare_tsx = +(figures.start_to_first_log_ms! / figures.bare_tsx_ms!).toFixed(3);
      figures.code_snapshots_stored = Number((await postgres.db.selectFrom('code_snapshots').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
      await kernel.runLogger(memoryRows);
      clearInterval(sampler);
      global.gc?.();
      figures.memory_rows = memoryRows;
      figures.rss_growth_mb = +((process.memoryUsage().rss - before) / 2 ** 20).toFixed(1);
      figures.rss_peak_growth_mb = +((peak - before) / 2 ** 20).toFixed(1);
    });
  } finally {
    await postgres.close();
  }
  });

  const dir = await mkdtemp(join(tmpdir(), 'athanor-bench-'));
  const pglite = await openDatabase(`pglite:${join(dir, 'db')}`);
  try {
    await withKernel(pglite, async (kernel) => {
      const ours = await kernel.runLogger(rows);
      figures.pglite_rows_per_s = rate(rows, ours.ms);
      figures.pglite_vs_postgres = +(figures.pglite_rows_per_s! / figures.postgres_rows_per_s!).toFixed(3);
    });
  } finally {
    await pglite.close();
    await rm(dir, { recursive: true, force: true });
  }

  console.log(`\nkernel benchmark (${rows.toLocaleString()} log entries; memory over ${memoryRows.toLocaleString()})`);
  console.table({
    'ingestion, Postgres backend': { figure: `${figures.postgres_rows_per_s!.toLocaleString()} rows/s`, reference: `COPY ${figures.copy_rows_per_s!.toLocaleString()} rows/s`, ratio: figures.postgres_vs_copy, target: '≥ 0.50' },
    'ingestion, PGlite backend': { figure: `${figures.pglite_rows_per_s!.toLocaleString()} rows/s`, reference: 'the Postgres figure', ratio: figures.pglite_vs_postgres, target: '≥ 0.35' },
    'start → first log row (median of 20)': { figure: `${figures.start_to_first_log_ms} ms`, reference: `bare tsx ${figures.bare_tsx_ms} ms`, ratio: figures.start_vs_bare_tsx, target: '≤ 0.5' },
    'keeping code and environment (same start)': { figure: `${figures.start_to_first_log_ms} ms`, reference: `not kept ${figures.start_without_keeping_code_ms} ms`, ratio: `${figures.keeping_code_overhead! >= 0 ? '+' : ''}${(figures.keeping_code_overhead! * 100).toFixed(1)}%`, target: '≤ +10%' },
    'code snapshots stored (every run of one file)': { figure: `${figures.code_snapshots_stored}`, reference: '', ratio: '', target: '1' },
    'supervisor RSS growth': { figure: `${figures.rss_growth_mb} MB (peak ${figures.rss_peak_growth_mb} MB)`, reference: '', ratio: '', target: '≤ 64 MB' },
  });
  return figures;
}
