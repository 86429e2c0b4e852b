/**
 * `npm run bench -- NAME`: runs `bench/NAME.ts`, whose default export measures, prints a
 * readable table and returns its figures; this prints them as the last line,
 * `{"bench": NAME, "figures": {...}}`, for whoever collects them.
 * An unknown or missing NAME lists the benchmarks there are.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** What a benchmark module exports. */
export interface BenchModule {
  default(): Promise<Record<string, number | string>>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** Names of the benchmarks in this folder: every `NAME.ts` beside this file with a default export (not its helpers). */
export async function availableBenches(): Promise<string[]> {
  const files = (await readdir(here)).filter((file) => file.endsWith('.ts') && file !== 'run-bench.ts' && !file.endsWith('.d.ts'));
  const benches = await Promise.all(files.map(async (file) => ((await readFile(`${here}${file}`, 'utf8')).includes('export default') ? file.slice(0, -'.ts'.length) : undefined)));
  return benches.filter((name): name is string => name !== undefined).sort();
}

const name = process.argv[2];
const available = await availableBenches();
if (name === undefined || !available.includes(name)) {
  const what = name === undefined ? 'name the benchmark to run' : `unknown benchmark "${name}"`;
  console.error(`${what}: one of ${available.join(', ')}\nusage: npm run bench -- NAME`);
  process.exit(2);
}

const bench = (await import(`./${name}.ts`)) as BenchModule;
const figures = await bench.default();
console.log(JSON.stringify({ bench: name, figures }));
