import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createTempFolder, experimentSource, type TempFolder } from './plugin-test-kit.ts';

const test = suite<{ folder: TempFolder; registry: ExperimentRegistry }>('experiment-registry: discovery');

test.before(async (context) => {
  const folder = (context.folder = await createTempFolder('discovery'));
  await folder.write('named.ts', experimentSource('named_form', { description: 'named exports' }));
  await folder.write('default.ts', experimentSource('default_form', { form: 'default' }));
  await folder.write('nested/deeper/mts.mts', experimentSource('mts_form'));
  await folder.write('plain.mjs', `import { Definition } from 'athanor';
export const experiment = () => Definition.new().name('mjs_form');
export const run = async () => {};
`);
  await folder.write('script.js', `import { Definition } from 'athanor';
export function experiment() { return Definition.new().name('js_form'); }
export function run() {}
`);
  await folder.write('helpers/math.ts', 'export const double = (x: number): number => 2 * x;\n');
  await folder.write('helpers/no-exports.ts', 'console.log("a helper with side effects only");\n');
  await folder.write('uses-helper.ts', experimentSource('uses_helper', { prelude: "import { double } from './helpers/math.ts';", descriptionExpression: 'String(double(21))' }));
  // skipped places and names
  await folder.write('node_modules/pkg/index.ts', experimentSource('in_node_modules'));
  await folder.write('.hidden/x.ts', experimentSource('in_dot_folder'));
  await folder.write('named.test.ts', experimentSource('a_test_file'));
  await folder.write('types.d.ts', 'export declare function experiment(): void;\nexport declare function run(): void;\n');
  await folder.write('notes.md', 'export function experiment() {}');
  // run() must never be called while loading
  await folder.write('never-runs.ts', `import { writeFileSync } from 'node:fs';
import { Definition } from 'athanor';
export function experiment() { return Definition.new().name('never_runs'); }
export async function run() { writeFileSync(${JSON.stringify(folder.path('RAN'))}, 'run() was called'); }
`);
  context.registry = createExperimentRegistry({ experimentsDir: folder.dir, watch: false });
  await context.registry.start();
});

test.after(async ({ folder, registry }) => {
  await registry.stop();
  await folder.remove();
});

test('lists every experiment module, in both export forms, sorted by name', ({ registry }) => {
  assert.equal(
    registry.list().map((entry) => entry.name),
    ['default_form', 'js_form', 'mjs_form', 'mts_form', 'named_form', 'never_runs', 'uses_helper'],
  );
  for (const entry of registry.list()) assert.is(entry.error, undefined, `${entry.name}: ${entry.error?.message}`);
});

test('entries carry file (relative, forward slashes), description, schema and a sha256 code hash', ({ registry }) => {
  const entry = registry.get('mts_form')!;
  assert.is(entry.file, 'nested/deeper/mts.mts');
  assert.is(entry.description, 'about mts_form');
  assert.equal((entry.schema as any).properties.iterations, { type: 'integer', default: 10, minimum: 1, maximum: 100 });
  assert.match(entry.codeHash!, /^[0-9a-f]{64}$/);
  assert.is(registry.get('named_form')!.description, 'named exports');
});

test('helpers are loaded for their importers but not listed; skipped folders and files are ignored', ({ registry }) => {
  assert.is(registry.get('uses_helper')!.description, '42');
  const files = registry.list().map((entry) => entry.file);
  for (const skipped of ['helpers/math.ts', 'node_modules/pkg/index.ts', '.hidden/x.ts', 'named.test.ts', 'types.d.ts']) {
    assert.not.ok(files.includes(skipped), skipped);
  }
});

test('definition(): data for a loaded experiment, undefined for an unknown one', ({ registry }) => {
  const definition = registry.definition('named_form');
  assert.ok(definition && !(definition instanceof Error));
  assert.is((definition as { name: string }).name, 'named_form');
  assert.is(registry.definition('nope'), undefined);
});

test('reading definitions never calls run()', async ({ folder }) => {
  const { existsSync } = await import('node:fs');
  assert.not.ok(existsSync(folder.path('RAN')));
});

test('the code hash covers the local modules an experiment imports', async ({ registry, folder }) => {
  const before = await registry.resolveForRun('uses_helper');
  assert.is(before.file, folder.path('uses-helper.ts'));
  assert.is(before.codeHash, registry.get('uses_helper')!.codeHash);
  await folder.write('helpers/math.ts', 'export const double = (x: number): number => x + x;\n');
  const after = await registry.resolveForRun('uses_helper');
  assert.is.not(after.codeHash, before.codeHash, 'a helper edit changes the hash read at run time');
  const unrelated = await registry.resolveForRun('named_form');
  assert.is(unrelated.codeHash, registry.get('named_form')!.codeHash);
});

test('resolveForRun refuses an unknown experiment with ERR_NOT_FOUND', async ({ registry }) => {
  try {
    await registry.resolveForRun('nope');
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'ERR_NOT_FOUND');
  }
});

test('start() on a missing folder fails clearly, and stop() is idempotent', async () => {
  const registry = createExperimentRegistry({ experimentsDir: '/nonexistent/athanor-experiments', watch: false });
  try {
    await registry.start();
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'ERR_NOT_FOUND');
    assert.match((error as Error).message, '/nonexistent/athanor-experiments does not exist');
  } finally {
    await registry.stop();
    await registry.stop();
  }
});

test('a folder of more folders than maxFolders is refused (ERR_TOO_LARGE), leaving no watcher or loader behind', async ({ folder }) => {
  const count = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'MessagePort').length;
  const before = count();
  // nested/, nested/deeper/ and helpers/ count; node_modules/ and .hidden/ do not.
  const registry = createExperimentRegistry({ experimentsDir: folder.dir, maxFolders: 2 });
  try {
    await registry.start();
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'ERR_TOO_LARGE');
    assert.match((error as Error).message, `the experiments folder ${folder.dir} holds more than 2 folders`);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(count() <= before, process.getActiveResourcesInfo().join(', '));
  const enough = createExperimentRegistry({ experimentsDir: folder.dir, maxFolders: 3, watch: false });
  await enough.start();
  assert.ok(enough.get('mts_form'));
  await enough.stop();
});

test('stop() while start() runs leaves no watcher thread or loader process behind', async ({ folder }) => {
  const count = () => process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'MessagePort').length;
  const before = count();
  for (const delayMs of [-1, 0, 50]) {
    const registry = createExperimentRegistry({ experimentsDir: folder.dir });
    const started = registry.start();
    if (delayMs >= 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    await registry.stop();
    await started;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(count() <= before, process.getActiveResourcesInfo().join(', '));
});

test.run();
