/**
 * A run pool for tests and benches, as users start it: a fresh Postgres database (graphile
 * -worker's schema and the LISTEN channels are per database, so pools in parallel never
 * meet), `athanor dev --runs queue` and `athanor worker` processes from the package's
 * bin/athanor.js (athanor-command.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { athanorBin } from './athanor-command.ts';

/** A new, empty database beside the one `url` names; `drop()` removes it (ending its sessions). */
export async function createScratchDatabase(url: string, prefix = 'athanor_pool'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** An `athanor worker` process. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `athanor worker --db URL --name NAME …` and resolves once it takes runs. */
export async function startWorkerProcess(url: string, name: string, project: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [await athanorBin(), 'worker', '--db', url, '--name', name, '--project', project, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${name} did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (!output.includes('taking runs from')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then(() => (clearTimeout(timer), reject(new Error(`worker ${name} exited:\n${output}`))));
  });
  return { name, child, output: () => output, exited };
}

/** Stops a worker: SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopWorkerProcess(worker: WorkerProcess, graceMs = 20_000): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), graceMs);
  await worker.exited;
  clearTimeout(timer);
}
