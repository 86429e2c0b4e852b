/**
 * `npm run bench -- startup`: how fast the commands of the edit → run → look loop start,
 * beside their references, measured interleaved in one run (issue 15):
 * - references: bare `node -e 0` and `node --import tsx -e 0`;
 * - `athanor --help`, `athanor list` and `athanor run` of a one-line experiment (`--db
 *   memory`), from the package as users get it (compiled here the way `npm pack` compiles
 *   it, in a scratch copy: JavaScript and declarations, no TypeScript sources);
 * - `athanor list` of an unchanged folder (definitions cached) and without the cache;
 * - `athanor run` of the experiment just edited (its run's process loads it), and with a bad
 *   `--set` (answered before any database opens);
 * - `athanor dev` until its first page answers (memory database, warm; a new PGlite folder,
 *   with a template kept from an earlier one, and on a fresh install with nothing cached);
 * - `runExperiment` (athanor/testing) of an experiment logging 10,000 lines, in this
 *   process and in a child.
 * Each command: median of BENCH_STARTUP_ROUNDS (default 7) rounds, all commands once per round.
 * Targets: help/list ≤ 1.2 × node + 150 ms; run ≤ 1.2 × tsx; dev ≤ 1.5 s; runExperiment
 * ≤ 100 ms in-process, ≤ 1 s in a child.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageCopy } from '../scripts/package-copy.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 7);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 0) => +value.toFixed(digits);

const ONE_LINE = `import { Definition, Runtime, type RunContext } from 'athanor';
export const experiment = () => Definition.new().name('one_line');
export async function run(ctx: RunContext) {
  Runtime.log(ctx, 'info', 'hello');
}
`;

const TEN_THOUSAND = `import { Definition, Runtime, type RunContext } from 'athanor';
export const experiment = () => Definition.new().name('ten_thousand');
export async function run(ctx: RunContext) {
  for (let i = 1; i <= 10_000; i++) Runtime.log(ctx, 'info', \`line \${i}\`);
}
`;

/** A copy of the package as `npm pack` ships it (scripts/package-copy.ts); a project using it. */
export async function packagedCopy(scratch: string): Promise<{ bin: string; project: string }> {
  const pkg = path.join(scratch, 'athanor');
  const bin = await packageCopy(pkg, { pgliteTemplate: true });
  const project = path.join(scratch, 'project');
  await mkdir(path.join(project, 'experiments'), { recursive: true });
  await mkdir(path.join(project, 'node_modules'));
  await symlink(pkg, path.join(project, 'node_modules/athanor'));
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'project', type: 'module', private: true }));
  await writeFile(path.join(project, 'experiments/one_line.ts'), ONE_LINE);
  await writeFile(path.join(project, 'experiments/ten_thousand.ts'), TEN_THOUSAND);
  return { bin, project };
}

/** Milliseconds from spawn to exit of `command` (Node by default); fails on an exit code other than `expectedCode`. */
export function timed(args: string[], cwd: string, expectedCode = 0, command = process.execPath): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === expectedCode ? resolve(performance.now() - started) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

/** Milliseconds from spawning `athanor dev` (on database `db`) to its first page answering 200. */
async function devToFirstPage(bin: string, cwd: string, db = 'memory', env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'dev', '--db', db, '--port', '0', '--token', 'bench'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`athanor dev printed no URL in 180 s:\n${output}`)), 180_000);
      child.stdout.on('data', () => {
        const found = /athanor workbench: (http:\/\/\S+?)\/\?/.exec(output);
        if (!found) return;
        clearTimeout(timer);
        resolve(found[1]!);
      });
    });
    for (;;) {
      const response = await fetch(`${url}/`, { headers: { authorization: 'Bearer bench' } }).catch(() => undefined);
      if (response?.ok) {
        await response.text();
        return performance.now() - started;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // it ended by itself (its output is in the error above)
    }
  }
}

export default async function startup(): Promise<Record<string, number>> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'athanor-bench-startup-'));
  try {
    const { bin, project } = await packagedCopy(scratch);
    const { runExperiment } = await import('../core/testing/index.ts');
    const tenThousand = path.join(project, 'experiments/ten_thousand.ts');
    const samples: Record<string, number[]> = {};
    const add = (name: string, ms: number) => (samples[name] ??= []).push(ms);
    const oneLine = path.join(project, 'experiments/one_line.ts');
    const cache = path.join(project, 'experiments/.athanor/definitions.json');
    await timed([bin, 'run', 'one_line', '--db', 'memory'], project); // warm the disk caches
    for (let i = 0; i < ROUNDS; i++) {
      add('node_e_ms', await timed(['-e', '0'], project));
      add('tsx_e_ms', await timed(['--import', 'tsx', '-e', '0'], ROOT));
      add('help_ms', await timed([bin, '--help'], project));
      // `list` of an unchanged folder (its definitions cached), and with no cache (every module loaded).
      add('list_ms', await timed([bin, 'list'], project));
      await rm(cache, { force: true });
      add('list_uncached_ms', await timed([bin, 'list'], project));
      add('run_memory_ms', await timed([bin, 'run', 'one_line', '--db', 'memory'], project));
      // Just edited: its cached definition is stale, so the run's own process loads it first.
      await writeFile(oneLine, `${ONE_LINE}// edit ${i}\n`);
      add('run_edited_memory_ms', await timed([bin, 'run', 'one_line', '--db', 'memory'], project));
      add('run_bad_set_ms', await timed([bin, 'run', 'one_line', '--db', `pglite:${path.join(scratch, 'never-created')}`, '--set', 'nope=1'], project, 2));
      add('dev_first_page_ms', await devToFirstPage(bin, project));
      // A new PGlite folder on a machine that made one before (a template of it is kept in the
      // cache folder), and on a fresh install (an empty cache folder: initdb).
      const cacheDir = path.join(scratch, 'cache');
      add('dev_new_pglite_first_page_ms', await devToFirstPage(bin, project, `pglite:${path.join(scratch, `db-${i}`)}`, { ...process.env, ATHANOR_CACHE_DIR: cacheDir }));
      const freshCache = path.join(scratch, `fresh-cache-${i}`);
      add('dev_fresh_install_first_page_ms', await devToFirstPage(bin, project, `pglite:${path.join(scratch, `fresh-db-${i}`)}`, { ...process.env, ATHANOR_CACHE_DIR: freshCache }));
      await Promise.all([`db-${i}`, `fresh-db-${i}`, `fresh-cache-${i}`].map((name) => rm(path.join(scratch, name), { recursive: true, force: true })));
      let started = performance.now();
      const inProcess = await runExperiment(tenThousand, {}, { inProcess: true });
      add('harness_in_process_10k_ms', performance.now() - started);
      started = performance.now();
      const child = await runExperiment(tenThousand, {});
      add('harness_child_10k_ms', performance.now() - started);
      if (inProcess.logs.length !== 10_000 || child.logs.length !== 10_000) throw new Error(`the harness kept ${inProcess.logs.length} and ${child.logs.length} of 10,000 lines`);
    }
    const f = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, round(median(values))]));
    const figures = {
      ...f,
      help_vs_node: round(f.help_ms! / (f.node_e_ms! + 150), 2),
      list_vs_node: round(f.list_ms! / (f.node_e_ms! + 150), 2),
      run_vs_tsx: round(f.run_memory_ms! / f.tsx_e_ms!, 2),
      run_edited_vs_tsx: round(f.run_edited_memory_ms! / f.tsx_e_ms!, 2),
    };
    // Each figure beside its reference and target, in this run.
    const reference: Record<string, string> = {
      help_ms: `${round(f.help_ms! / f.node_e_ms!, 1)}× node; target ≤ ${round(1.2 * f.node_e_ms! + 150)}`,
      list_ms: `${round(f.list_ms! / f.node_e_ms!, 1)}× node; target ≤ ${round(1.2 * f.node_e_ms! + 150)}`,
      list_uncached_ms: `${round(f.list_uncached_ms! / f.node_e_ms!, 1)}× node (every module loaded)`,
      run_memory_ms: `${figures.run_vs_tsx}× tsx; target ≤ ${round(1.2 * f.tsx_e_ms!)}`,
      run_edited_memory_ms: `${figures.run_edited_vs_tsx}× tsx (loaded by the run's process)`,
      run_bad_set_ms: `${round(f.run_bad_set_ms! / f.node_e_ms!, 1)}× node (exit 2, no database opened)`,
      dev_first_page_ms: 'target ≤ 1500 (memory, warm)',
      dev_new_pglite_first_page_ms: 'target ≤ 5000 (a new PGlite folder; made one before)',
      dev_fresh_install_first_page_ms: 'target ≤ 5000 (a new PGlite folder, nothing cached)',
      harness_in_process_10k_ms: 'target ≤ 100',
      harness_child_10k_ms: 'target ≤ 1000',
    };
    console.log(`startup, median of ${ROUNDS} interleaved rounds (ms):`);
    for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(32)} ${String(value).padStart(7)}  ${reference[name] ?? ''}`);
    return figures;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
