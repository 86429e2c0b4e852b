import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDefinitionLoader, type DefinitionLoader } from '../../plugins/loader/definition-loader.ts';
import type { LoadResult } from '../../plugins/loader/loader-protocol.ts';
import { createTempFolder, experimentSource, type TempFolder } from './plugin-test-kit.ts';

/** `shared` serves the tests that need no special settings (each new child costs ~0.7 s here). */
const test = suite<{ folder: TempFolder; shared: DefinitionLoader }>('definition loader (the child process)');

const description = (result: LoadResult) => (result.kind === 'experiment' ? result.definition.description : result.kind);

const SHARED_TIMEOUT_MS = 4000;

test.before(async (context) => {
  const folder = (context.folder = await createTempFolder('loader'));
  await folder.write('lib/value.ts', "export const value: string = 'one';\n");
  await folder.write('lib/via.ts', "export { value } from './value.ts';\n");
  await folder.write('exp.ts', experimentSource('exp', { prelude: "import { value } from './lib/via.ts';", descriptionExpression: 'value' }));
  await folder.write('hangs.ts', 'await new Promise(() => {});\nexport function experiment() {}\nexport function run() {}\n');
  // Long enough for a cold child's first load on a loaded CI machine (1,000 ms timed it out there).
  context.shared = createDefinitionLoader({ root: folder.dir, timeoutMs: SHARED_TIMEOUT_MS });
});

test.after(async ({ folder, shared }) => {
  await shared.stop();
  await folder.remove();
});

test('every load sees the current code of the whole local graph, in one warm process', async ({ folder, shared }) => {
  assert.is(description(await shared.load(folder.path('exp.ts'))), 'one');
  await writeFile(folder.path('lib/value.ts'), "export const value: string = 'two';\n");
  assert.is(description(await shared.load(folder.path('exp.ts'))), 'two', 'a helper two imports away was re-read');
  assert.is(shared.stats.processesStarted, 1);
});

test('a helper imported through a package #import (not a relative path) is re-read too', async ({ folder, shared }) => {
  await folder.write('pkg/package.json', JSON.stringify({ type: 'module', imports: { '#lib/*': './lib/*' } }));
  await folder.write('pkg/lib/value.ts', "export const value: string = 'one';\n");
  // This folder is its own package (for its `imports`), so it cannot import 'athanor':
  // the loader only needs something with resolve() — what is tested is the graph's freshness.
  await folder.write('pkg/exp.ts', `import { value } from '#lib/value.ts';
export const experiment = () => ({ resolve: () => ({ name: 'exp', description: value, schema: {} }) });
export const run = () => {};
`);
  assert.is(description(await shared.load(folder.path('pkg/exp.ts'))), 'one');
  await writeFile(folder.path('pkg/lib/value.ts'), "export const value: string = 'two';\n");
  assert.is(description(await shared.load(folder.path('pkg/exp.ts'))), 'two');
});

test('in a project without "type": "module" (its .ts files load as CommonJS) an edit is read too', async ({ folder, shared }) => {
  await folder.write('cjs/package.json', JSON.stringify({ name: 'cjs-project' }));
  await folder.write('cjs/lib/value.ts', "export const value: string = 'one';\n");
  await folder.write('cjs/exp.ts', `import { value } from './lib/value.ts';
export const experiment = () => ({ resolve: () => ({ name: 'exp', description: value, schema: {} }) });
export const run = () => {};
`);
  assert.is(description(await shared.load(folder.path('cjs/exp.ts'))), 'one');
  await writeFile(folder.path('cjs/lib/value.ts'), "export const value: string = 'two';\n");
  assert.is(description(await shared.load(folder.path('cjs/exp.ts'))), 'two', 'the edited helper');
  await writeFile(folder.path('cjs/exp.ts'), (await readFile(folder.path('cjs/exp.ts'), 'utf8')).replace('description: value', "description: `${value}!`"));
  assert.is(description(await shared.load(folder.path('cjs/exp.ts'))), 'two!', 'the edited experiment');
});

test('a module with top-level await (imported as an ES module) loads, and an edit of it or of its helper is read too', async ({ folder }) => {
  await folder.write('tla/value.ts', "export const value: string = 'one';\n");
  await folder.write('tla/exp.ts', experimentSource('tla', { prelude: "const { value } = await import('./value.ts');\nawait Promise.resolve();", descriptionExpression: 'value' }));
  // Its own loader, with time to spare: the first such module starts tsx's ES module hooks (a
  // loader thread), which on a loaded CI machine took most of the shared loader's 4 s.
  const loader = createDefinitionLoader({ root: folder.dir, timeoutMs: 20_000 });
  const load = async (file: string) => {
    const result = await loader.load(folder.path(file));
    return result.kind === 'error' ? `${result.error.code}: ${result.error.message}` : description(result);
  };
  try {
    assert.is(await load('tla/exp.ts'), 'one');
    await writeFile(folder.path('tla/value.ts'), "export const value: string = 'two';\n");
    assert.is(await load('tla/exp.ts'), 'two', 'the edited helper');
    await writeFile(folder.path('tla/exp.ts'), (await readFile(folder.path('tla/exp.ts'), 'utf8')).replace('.description(value)', ".description(`${value}!`)"));
    assert.is(await load('tla/exp.ts'), 'two!', 'the edited experiment');
    assert.is((await loader.load(folder.path('exp.ts'))).kind, 'experiment', 'a plain module beside it still loads');
  } finally {
    await loader.stop();
  }
});

test('a helper imported with import() inside experiment() is re-read too', async ({ folder }) => {
  await folder.write('dyn/value.ts', "export const value: string = 'one';\n");
  await folder.write('dyn/exp.ts', `import { ConfigSchema, Definition } from 'athanor';
export async function experiment() {
  const { value } = await import('./value.ts');
  return Definition.new().name('dyn').description(value).configuration(ConfigSchema.new());
}
export async function run() {}
`);
  // Its own loader with time to spare, as the top-level-await test's: such a module starts tsx's
  // ES module hooks, which beside a loaded CI run took more than the shared loader's 4 s.
  const loader = createDefinitionLoader({ root: folder.dir, timeoutMs: 20_000 });
  const load = async () => {
    const result = await loader.load(folder.path('dyn/exp.ts'));
    return result.kind === 'error' ? `${result.error.code}: ${result.error.message}` : description(result);
  };
  try {
    assert.is(await load(), 'one');
    await writeFile(folder.path('dyn/value.ts'), "export const value: string = 'two';\n");
    assert.is(await load(), 'two');
  } finally {
    await loader.stop();
  }
});

test('a helper outside the experiments folder (a project\'s src/) is re-read too', async ({ folder }) => {
  await folder.write('project/src/value.ts', "export const value: string = 'one';\n");
  await folder.write('project/experiments/exp.ts', experimentSource('exp', { prelude: "import { value } from '../src/value.ts';", descriptionExpression: 'value' }));
  const loader = createDefinitionLoader({ root: folder.path('project/experiments'), timeoutMs: SHARED_TIMEOUT_MS });
  try {
    assert.is(description(await loader.load(folder.path('project/experiments/exp.ts'))), 'one');
    await writeFile(folder.path('project/src/value.ts'), "export const value: string = 'two';\n");
    assert.is(description(await loader.load(folder.path('project/experiments/exp.ts'))), 'two');
  } finally {
    await loader.stop();
  }
});

test('the process is recycled after maxLoadsPerProcess loads, with no failed load', async ({ folder }) => {
  const loader = createDefinitionLoader({ root: folder.dir, maxLoadsPerProcess: 3, concurrency: 2 });
  try {
    const results = await Promise.all(Array.from({ length: 6 }, () => loader.load(folder.path('exp.ts'))));
    assert.equal(results.map((r) => r.kind), Array(6).fill('experiment'));
    assert.ok(loader.stats.recycled >= 1, `recycled ${loader.stats.recycled} times`);
    assert.ok(loader.stats.processesStarted >= 2);
  } finally {
    await loader.stop();
  }
});

test('the process is recycled when its memory passes maxRssBytes', async ({ folder }) => {
  const loader = createDefinitionLoader({ root: folder.dir, maxRssBytes: 1 });
  try {
    assert.is((await loader.load(folder.path('exp.ts'))).kind, 'experiment');
    assert.is(loader.stats.recycled, 1, 'retired right after its first load');
  } finally {
    await loader.stop();
  }
});

test('a hanging load times out alone: loads in flight beside it succeed', async ({ folder, shared }) => {
  const started = performance.now();
  const [hang, ok] = await Promise.all([shared.load(folder.path('hangs.ts')), shared.load(folder.path('exp.ts'))]);
  assert.is(hang.kind === 'error' && hang.error.code, 'ERR_LOAD_TIMEOUT');
  assert.is(ok.kind, 'experiment');
  assert.ok(performance.now() - started < SHARED_TIMEOUT_MS + 2000, 'the hang did not hold up the other load past its own timeout');
  assert.is((await shared.load(folder.path('exp.ts'))).kind, 'experiment', 'a fresh process takes over');
});

test('the workbench process memory stays flat over many loads (they happen in the child)', async ({ folder, shared }) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 20; i++) await shared.load(folder.path('exp.ts'));
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 200; i++) await shared.load(folder.path('exp.ts'));
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  console.log(`    workbench heap after 200 more loads: ${grown >= 0 ? '+' : ''}${grown.toFixed(2)} MiB`);
  assert.ok(grown < 3, `heap grew ${grown.toFixed(2)} MiB`);
});

test('stop() resolves pending loads with an error and is idempotent', async ({ folder }) => {
  const loader = createDefinitionLoader({ root: folder.dir, timeoutMs: 10_000 });
  const pending = loader.load(folder.path('hangs.ts'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await loader.stop();
  await loader.stop();
  const result = await pending;
  assert.is(result.kind, 'error');
  assert.is((await loader.load(folder.path('exp.ts'))).kind, 'error');
});

test.run();
