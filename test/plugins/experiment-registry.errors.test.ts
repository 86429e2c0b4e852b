import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createTempFolder, EventRecorder, experimentSource, type TempFolder } from './plugin-test-kit.ts';

interface Context {
  folder: TempFolder;
  registry: ExperimentRegistry;
  recorder: EventRecorder;
}
// Long enough that a good module's first load never hits it on a loaded CI machine (600 ms
// timed dupe-a.ts out there, and dupe-b.ts took its name): the hanging ones pay it.
const TIMEOUT_MS = 3000;
const test = suite<Context>('experiment-registry: errors');

const SYNTAX_TS = `import { Definition } from 'athanor';
export function experiment() {
  return Definition.new().name('syntax_ts' +);
}
export async function run() {}
`;
const SYNTAX_MJS = `export function experiment() {
  return 1 +;
}
export async function run() {}
`;
const THROWS = `import { Definition } from 'athanor';
const table: Record<string, number> = {};
if (table.missing === undefined) throw new Error('config file not found');
export function experiment() { return Definition.new().name('throws'); }
export async function run() {}
`;
const NO_RUN = `import { Definition } from 'athanor';
export function experiment() { return Definition.new().name('no_run'); }
`;
const INVALID = `import { ConfigSchema, Definition } from 'athanor';
export function experiment() {
  return Definition.new()
    .name('invalid')
    .configuration(ConfigSchema.new().field('n', 'integer', { default: 5, min: 10 }));
}
export async function run() {}
`;
const NAMELESS = `import { Definition } from 'athanor';
export function experiment() {
  return Definition.new().description('no name');
}
export async function run() {}
`;
const HANGS = `await new Promise(() => {});
export function experiment() {}
export async function run() {}
`;
const SPINS = `while (Date.now() > 0) {}
export function experiment() {}
export async function run() {}
`;
const EXITS = `process.exit(3);
export function experiment() {}
export async function run() {}
`;

test.before(async (context) => {
  const folder = (context.folder = await createTempFolder('errors'));
  await folder.write('healthy.ts', experimentSource('healthy'));
  await folder.write('syntax.ts', SYNTAX_TS);
  await folder.write('syntax-js.mjs', SYNTAX_MJS);
  await folder.write('throws.ts', THROWS);
  await folder.write('no-run.ts', NO_RUN);
  await folder.write('invalid.ts', INVALID);
  await folder.write('nameless.ts', NAMELESS);
  await folder.write('imports-missing.ts', experimentSource('imports_missing', { prelude: "import { gone } from './lib/gone.ts';\nvoid gone;" }));
  await folder.write('imports-uninstalled.ts', experimentSource('imports_uninstalled', { prelude: "import { thing } from 'not-installed-package/sub';\nvoid thing;" }));
  await folder.write('imports-missing-split.ts', experimentSource('imports_missing_split', { prelude: "import { gone } from\n  './lib/gone-too.ts';\nvoid gone;" }));
  await folder.write('dupe-a.ts', experimentSource('dupe', { description: 'first' }));
  await folder.write('dupe-b.ts', experimentSource('dupe', { description: 'second' }));
  await folder.write('hangs.ts', HANGS);
  await folder.write('spins.ts', SPINS);
  await folder.write('exits.ts', EXITS);
  context.registry = createExperimentRegistry({ experimentsDir: folder.dir, loadTimeoutMs: TIMEOUT_MS });
  context.recorder = new EventRecorder(context.registry);
  await context.registry.start();
});

test.after(async ({ folder, registry, recorder }) => {
  recorder.stop();
  await registry.stop();
  await folder.remove();
});

const errorOf = (registry: ExperimentRegistry, name: string) => {
  const entry = registry.get(name);
  assert.ok(entry, `${name} is listed: ${registry.list().map((e) => e.name).join(', ')}`);
  assert.ok(entry.error, `${name} has an error`);
  return entry.error;
};

test('a healthy experiment loads beside broken ones', ({ registry }) => {
  assert.is(registry.get('healthy')?.error, undefined);
  assert.is(registry.get('healthy')?.description, 'about healthy');
});

test('a TypeScript syntax error: listed under its file name, with file, line and column', ({ registry }) => {
  const error = errorOf(registry, 'syntax');
  assert.equal({ ...error, message: undefined }, { code: 'ERR_SYNTAX', file: 'syntax.ts', line: 3, column: 45, message: undefined });
  assert.match(error.message, 'Unexpected ")"');
  const entry = registry.get('syntax')!;
  assert.is(entry.schema, null);
  assert.match(entry.codeHash!, /^[0-9a-f]{64}$/);
});

test('a JavaScript syntax error is located too', ({ registry }) => {
  const error = errorOf(registry, 'syntax-js');
  assert.is(error.code, 'ERR_SYNTAX');
  assert.is(error.file, 'syntax-js.mjs');
  assert.is(error.line, 2);
});

test('a top level that throws: the message and the line of the throw', ({ registry }) => {
  const error = errorOf(registry, 'throws');
  assert.is(error.code, 'ERR_TOP_LEVEL_THROW');
  assert.match(error.message, 'config file not found');
  assert.is(error.line, 3);
});

test('a missing run() export', ({ registry }) => {
  const error = errorOf(registry, 'no-run');
  assert.is(error.code, 'ERR_MISSING_EXPORT');
  assert.match(error.message, 'run()');
});

test('an invalid definition: the DefinitionError, located at the offending call', ({ registry }) => {
  const error = errorOf(registry, 'invalid');
  assert.is(error.code, 'ERR_INVALID_DEFINITION');
  assert.match(error.message, 'default 5 is below the minimum 10');
  assert.is(error.file, 'invalid.ts');
  assert.is(error.line, 5);
});

test("a definition without a name: located at the experiment's experiment(), not inside athanor", ({ registry }) => {
  const error = errorOf(registry, 'nameless');
  assert.is(error.code, 'ERR_INVALID_DEFINITION');
  assert.match(error.message, 'name');
  assert.equal([error.file, error.line], ['nameless.ts', 2]);
});

test('an import of a missing file names the import line, at the start of its path', ({ registry }) => {
  const error = errorOf(registry, 'imports-missing');
  assert.is(error.code, 'ERR_IMPORT_NOT_FOUND');
  assert.is(error.line, 2);
  // `import { gone } from './lib/gone.ts';`: the opening quote, as tsc marks it (not gone.ts, mid-path).
  assert.is(error.column, "import { gone } from ".length + 1);
  // The module as the import names it, not as Node resolved it.
  assert.match(error.message, "Cannot find module './lib/gone.ts' imported from imports-missing.ts");
  // The path on a line of its own (as formatters wrap a long import): found there too.
  const split = errorOf(registry, 'imports-missing-split');
  assert.equal([split.line, split.column], [3, 3]);
  assert.match(split.message, "Cannot find module './lib/gone-too.ts' imported from imports-missing-split.ts");
});

test('an import of a package that is not installed says so, and what to do, from the nearest package.json', ({ registry }) => {
  const error = errorOf(registry, 'imports-uninstalled');
  assert.is(error.code, 'ERR_IMPORT_NOT_FOUND');
  assert.is(error.line, 2);
  // The temporary folder is inside this package: its package.json is the nearest.
  const manifest = new URL('../../package.json', import.meta.url).pathname;
  assert.match(error.message, `Cannot find package 'not-installed-package/sub' imported from imports-uninstalled.ts: it is not installed, nor in ${manifest}: npm install not-installed-package`);
});

test('two files declaring one name: the first keeps it, the other is listed with ERR_DUPLICATE_NAME', ({ registry }) => {
  assert.is(registry.get('dupe')?.file, 'dupe-a.ts');
  assert.is(registry.get('dupe')?.error, undefined);
  const error = errorOf(registry, 'dupe-b');
  assert.is(error.code, 'ERR_DUPLICATE_NAME');
  assert.match(error.message, 'dupe-a.ts');
  assert.ok(registry.definition('dupe-b') instanceof Error);
});

test('a top level that never settles times out, and nothing hangs', ({ registry }) => {
  const error = errorOf(registry, 'hangs');
  assert.is(error.code, 'ERR_LOAD_TIMEOUT');
  assert.match(error.message, `timed out loading after ${TIMEOUT_MS} ms`);
});

test('a top level that busy-loops times out without taking the others with it', ({ registry }) => {
  assert.is(errorOf(registry, 'spins').code, 'ERR_LOAD_TIMEOUT');
});

test('a module that calls process.exit() is reported, and the loader recovers', ({ registry }) => {
  assert.is(errorOf(registry, 'exits').code, 'ERR_LOADER_CRASH');
});

test('definition() of a broken experiment is an Error with the code and location', ({ registry }) => {
  const definition = registry.definition('syntax') as Error & { code: string; line: number };
  assert.instance(definition, Error);
  assert.is(definition.code, 'ERR_SYNTAX');
  assert.is(definition.line, 3);
  assert.match(definition.message, 'syntax.ts:3:45');
});

test('breaking a loaded experiment keeps its name and last schema; fixing it clears the error', async ({ folder, registry, recorder }) => {
  const good = registry.get('healthy')!;
  const broken = recorder.changed((e) => e.name === 'healthy' && e.error?.code === 'ERR_SYNTAX');
  await folder.write('healthy.ts', experimentSource('healthy').replace('export function experiment() {', 'export function experiment() {{'));
  const entry = await broken;
  assert.equal(entry.schema, good.schema, 'instances keep their schema while it is broken');
  assert.is(entry.description, good.description);
  assert.ok(registry.definition('healthy') instanceof Error);
  assert.is(registry.get('dupe')?.error, undefined, 'the rest keeps working');
  const fixed = recorder.changed((e) => e.name === 'healthy' && !e.error);
  await folder.write('healthy.ts', experimentSource('healthy', { description: 'fixed' }));
  assert.is((await fixed).description, 'fixed');
});

test('fixing a never-loaded file moves it from its file name to its definition name', async ({ folder, recorder }) => {
  const removed = recorder.removed('syntax');
  const fixed = recorder.changed((e) => e.name === 'syntax_ts' && !e.error);
  await folder.write('syntax.ts', SYNTAX_TS.replace("'syntax_ts' +", "'syntax_ts'"));
  await Promise.all([removed, fixed]);
});

test('removing the file holding a name hands it to the duplicate', async ({ folder, registry, recorder }) => {
  const moved = recorder.changed((e) => e.name === 'dupe' && e.file === 'dupe-b.ts' && !e.error);
  const gone = recorder.removed('dupe-b');
  await folder.delete('dupe-a.ts');
  await Promise.all([moved, gone]);
  assert.is(registry.get('dupe')?.description, 'second');
});

test('a helper that breaks breaks its importers, located in the helper; fixing it heals them', async ({ folder, registry, recorder }) => {
  await folder.write('lib/unit.ts', "export const unit: string = 'ms';\n");
  const added = recorder.changed((e) => e.name === 'with_helper' && !e.error);
  await folder.write('with-helper.ts', experimentSource('with_helper', { prelude: "import { unit } from './lib/unit.ts';", descriptionExpression: 'unit' }));
  await added;
  const broken = recorder.changed((e) => e.name === 'with_helper' && e.error?.code === 'ERR_SYNTAX');
  await folder.write('lib/unit.ts', "export const unit: string = 'ms' +;\n");
  const error = (await broken).error!;
  assert.is(error.file, 'lib/unit.ts');
  assert.is(error.line, 1);
  assert.not.ok(registry.list().some((e) => e.file === 'lib/unit.ts'), 'a broken helper is not listed itself');
  const healed = recorder.changed((e) => e.name === 'with_helper' && !e.error && e.description === 's');
  await folder.write('lib/unit.ts', "export const unit: string = 's';\n");
  await healed;
});

test('a hang added later is reported after the timeout while other edits keep flowing', async ({ folder, registry, recorder }) => {
  const started = performance.now();
  const timedOut = recorder.changed((e) => e.name === 'hangs-later' && e.error?.code === 'ERR_LOAD_TIMEOUT');
  await folder.write('hangs-later.ts', HANGS);
  const other = recorder.changed((e) => e.name === 'with_helper' && e.description === 'quick');
  await folder.write('with-helper.ts', experimentSource('with_helper', { description: 'quick' }));
  await other;
  assert.ok(performance.now() - started < TIMEOUT_MS, 'the other edit did not wait for the hanging load');
  await timedOut;
  assert.is(registry.get('healthy')?.error, undefined);
});

test.run();
