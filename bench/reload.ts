/**
 * `npm run bench -- reload`: hot reload's figures beside their reference, in one run.
 * - latency: file write → `experiment.changed` with the new definition, median and p95 of
 *   50 edits of an experiment that imports `athanor` and a local helper, with the
 *   registry watching (chokidar, debounce 25 ms);
 * - reference: importing the same file with tsx in a fresh process (`node --import tsx`,
 *   spawn → exit), median of 10 taken between the edits, so both see the same machine load;
 * - memory: the workbench process' RSS and heap (after GC) growth over 1,000 reloads.
 * Target: median ≤ 150 ms and ≤ 1.5× the fresh tsx import.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createExperimentRegistry, type ExperimentRegistry, type RegistryEvent } from '../plugins/experiment-registry.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const EDITS = Number(process.env.BENCH_RELOAD_EDITS ?? 50);
const MEMORY_RELOADS = Number(process.env.BENCH_RELOAD_MEMORY_RELOADS ?? 1000);

const source = (description: string) => `import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';
import { defaultIterations } from './lib/defaults.ts';

export function experiment() {
  return Definition.new()
    .name('bench_reload')
    .description(${JSON.stringify(description)})
    .configuration(ConfigSchema.new().field('iterations', 'integer', { default: defaultIterations, min: 1, max: 100 }));
}

export async function run(ctx: RunContext) {
  Runtime.complete(ctx);
}
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const round = (value: number, digits = 1) => +value.toFixed(digits);

/** Resolves with the first `experiment.changed` whose description is `description`. */
function changedTo(registry: ExperimentRegistry, description: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no experiment.changed to "${description}" within 10 s`))), 10_000);
    const off = registry.subscribe((event: RegistryEvent) => {
      if (event.type === 'experiment.changed' && event.experiment.description === description) {
        clearTimeout(timer);
        off();
        resolve(performance.now());
      }
    });
  });
}

async function editOnce(registry: ExperimentRegistry, file: string, description: string): Promise<number> {
  const seen = changedTo(registry, description);
  const started = performance.now();
  await writeFile(file, source(description));
  return (await seen) - started;
}

/** Spawn → exit of `node --import tsx` importing `file` (the cost of reading a definition without a warm process). */
async function freshTsxImportMs(runner: string, file: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, runner, pathToFileURL(file).href], { stdio: 'ignore', cwd: PACKAGE_ROOT });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the fresh tsx import exited with ${code}`);
  return performance.now() - started;
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export default async function reloadBench(): Promise<Record<string, number>> {
  await mkdir(path.join(PACKAGE_ROOT, 'test-output'), { recursive: true });
  const dir = await mkdtemp(path.join(PACKAGE_ROOT, 'test-output', 'bench-reload-'));
  const file = path.join(dir, 'bench_reload.ts');
  const runner = path.join(dir, 'import-once.mjs');
  await mkdir(path.join(dir, 'lib'));
  await writeFile(path.join(dir, 'lib', 'defaults.ts'), 'export const defaultIterations: number = 10;\n');
  await writeFile(runner, 'const ns = await import(process.argv[2]); ns.experiment().resolve();\n');
  await writeFile(file, source('initial'));
  const registry = createExperimentRegistry({ experimentsDir: dir });
  const figures: Record<string, number> = {};
  try {
    await registry.start();
    for (let i = 0; i < 3; i++) await editOnce(registry, file, `warm-up ${i}`);

    const latencies: number[] = [];
    const imports: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      latencies.push(await editOnce(registry, file, `edit ${i}`));
      await new Promise((resolve) => setTimeout(resolve, 100)); // an author does not save 20 times a second
      if (i % 5 === 4) imports.push(await freshTsxImportMs(runner, file));
    }
    figures.edits = EDITS;
    figures.write_to_changed_median_ms = round(median(latencies));
    figures.write_to_changed_p95_ms = round(percentile(latencies, 95));
    figures.fresh_tsx_import_ms = round(median(imports));
    figures.median_vs_fresh_tsx_import = round(figures.write_to_changed_median_ms / figures.fresh_tsx_import_ms, 3);

    const gc = collectGarbage();
    gc();
    const before = process.memoryUsage();
    let half = before;
    for (let i = 0; i < MEMORY_RELOADS; i++) {
      await editOnce(registry, file, `memory ${i}`);
      if (i === Math.floor(MEMORY_RELOADS / 2) - 1) {
        gc();
        half = process.memoryUsage();
      }
    }
    await registry.whenIdle();
    gc();
    const after = process.memoryUsage();
    figures.memory_reloads = MEMORY_RELOADS;
    figures.rss_before_mb = round(before.rss / 2 ** 20);
    figures.rss_growth_mb = round((after.rss - before.rss) / 2 ** 20);
    figures.rss_growth_second_half_mb = round((after.rss - half.rss) / 2 ** 20);
    figures.heap_growth_mb = round((after.heapUsed - before.heapUsed) / 2 ** 20, 2);
    figures.heap_growth_second_half_mb = round((after.heapUsed - half.heapUsed) / 2 ** 20, 2);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }

  console.log(`\nreload benchmark (${EDITS} edits; memory over ${MEMORY_RELOADS.toLocaleString()} reloads)`);
  console.table({
    'write → experiment.changed, median': {
      figure: `${figures.write_to_changed_median_ms} ms`,
      reference: `fresh tsx import ${figures.fresh_tsx_import_ms} ms`,
      ratio: figures.median_vs_fresh_tsx_import,
      target: '≤ 150 ms and ≤ 1.5',
    },
    'write → experiment.changed, p95': { figure: `${figures.write_to_changed_p95_ms} ms`, reference: '', ratio: '', target: '' },
    'workbench memory growth over the reloads': {
      figure: `RSS ${figures.rss_growth_mb} MB, heap ${figures.heap_growth_mb} MB`,
      reference: `RSS before ${figures.rss_before_mb} MB`,
      ratio: '',
      target: 'flat',
    },
    '… over the second half alone': {
      figure: `RSS ${figures.rss_growth_second_half_mb} MB, heap ${figures.heap_growth_second_half_mb} MB`,
      reference: '',
      ratio: '',
      target: '≈ 0',
    },
  });
  return figures;
}

/** Also runnable on its own: `node --import tsx bench/reload.ts`. */
export const run = reloadBench;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await reloadBench();
  console.log(JSON.stringify({ bench: 'reload', figures }));
}
