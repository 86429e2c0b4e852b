/**
 * `npm run bench -- ingest`: a whole `athanor run` that logs BENCH_INGEST_ROWS (default
 * 500,000) lines into Postgres — spawn to exit, from the package as users get it — beside
 * `psql \copy` of the same rows from a file into the same table, spawn to exit; interleaved
 * rounds, medians (issue 15). The ratio is psql's time over ours: throughput relative to
 * `\copy`. Target ≥ 0.50.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withBenchSchema } from './bench-postgres.ts';
import { packagedCopy, timed } from './startup.ts';

const ROWS = Number(process.env.BENCH_INGEST_ROWS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The rows bench_logger logs, as COPY text for run `runId` (what the run stores, line for line). */
async function writeRows(file: string, runId: string): Promise<void> {
  const out = createWriteStream(file);
  const metadata = JSON.stringify({ worker: 3, phase: 'train' });
  for (let i = 0; i < ROWS; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(ROWS, i + 1000); j++) chunk += `${runId}\t${j + 1}\tinfo\tstep ${j + 1}: loss 0.4321 accuracy 0.8765 lr 0.001\t${metadata}\t${new Date().toISOString()}\n`;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

export default async function ingest(): Promise<Record<string, number>> {
  execFileSync('psql', ['--version']); // the reference needs the client
  const scratch = await mkdtemp(path.join(tmpdir(), 'athanor-bench-ingest-'));
  try {
    const { bin, project } = await packagedCopy(scratch);
    await copyFile(path.join(FIXTURES, 'bench_logger.ts'), path.join(project, 'experiments/bench_logger.ts'));
    return await withBenchSchema(async (url) => {
      const client = new pg.Client({ connectionString: url });
      const athanor = () => timed([bin, 'run', 'bench_logger', '--db', url, '--set', `count=${ROWS}`], project);
      const clear = () => client.query('delete from run_logs');
      const expectStored = async (who: string) => {
        const stored = Number((await client.query('select count(*) as n from run_logs')).rows[0].n);
        if (stored !== ROWS) throw new Error(`${who} stored ${stored} of ${ROWS} rows`);
      };
      // Warm: migrates the schema, caches the definition, and makes the run \copy's rows belong to.
      await timed([bin, 'run', 'bench_logger', '--db', url, '--set', 'count=1'], project);
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string }>('select id from runs limit 1');
        const rowsFile = path.join(scratch, 'rows.tsv');
        await writeRows(rowsFile, rows[0]!.id);
        // libpq reads no `+` as a space in a URI (URLSearchParams writes one).
        const psql = () => timed([url.replace(/\+/g, '%20'), '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy run_logs (run_id, seq, level, message, metadata, "timestamp") from '${rowsFile}'`], project, 0, 'psql');
        const ours: number[] = [];
        const reference: number[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          await clear();
          ours.push(await athanor());
          await expectStored('athanor run');
          await clear();
          reference.push(await psql());
          await expectStored('psql');
        }
        const figures = {
          rows: ROWS,
          athanor_run_ms: Math.round(median(ours)),
          psql_copy_ms: Math.round(median(reference)),
          athanor_rows_per_s: Math.round(ROWS / (median(ours) / 1000)),
          psql_copy_rows_per_s: Math.round(ROWS / (median(reference) / 1000)),
          run_vs_psql_copy: +(median(reference) / median(ours)).toFixed(3),
        };
        console.log(`ingestion, whole command, ${ROWS.toLocaleString()} lines into Postgres, median of ${ROUNDS} interleaved rounds:`);
        console.log(`  athanor run      ${figures.athanor_run_ms} ms (${figures.athanor_rows_per_s.toLocaleString()} rows/s; rounds ${ours.map(Math.round).join(', ')})`);
        console.log(`  psql \\copy       ${figures.psql_copy_ms} ms (${figures.psql_copy_rows_per_s.toLocaleString()} rows/s; rounds ${reference.map(Math.round).join(', ')})`);
        console.log(`  ratio            ${figures.run_vs_psql_copy} of \\copy's throughput (target ≥ 0.50)`);
        return figures;
      } finally {
        await client.end();
      }
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
