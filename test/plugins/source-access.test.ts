import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createTempFolder, experimentSource, type TempFolder } from './plugin-test-kit.ts';

interface Context {
  folder: TempFolder;
  outside: TempFolder;
  registry: ExperimentRegistry;
}
const test = suite<Context>('source access');

test.before(async (context) => {
  const folder = (context.folder = await createTempFolder('source'));
  const outside = (context.outside = await createTempFolder('source-outside'));
  await folder.write('editable.ts', experimentSource('editable', { description: 'original' }));
  await folder.write('sub/nested.ts', experimentSource('nested'));
  await outside.write('secret.ts', experimentSource('secret'));
  await symlink(outside.path('secret.ts'), folder.path('escape.ts'));
  await symlink(outside.dir, folder.path('linked-out'));
  context.registry = createExperimentRegistry({ experimentsDir: folder.dir, maxSourceBytes: 64 * 1024 });
  await context.registry.start();
});

test.after(async ({ folder, outside, registry }) => {
  await registry.stop();
  await folder.remove();
  await outside.remove();
});

async function refused(action: Promise<unknown>, code: string, message?: string | RegExp): Promise<Error> {
  try {
    await action;
  } catch (error) {
    assert.is((error as { code?: string }).code, code, (error as Error).message);
    if (message) assert.match((error as Error).message, message);
    return error as Error;
  }
  throw new Error(`expected a refusal with ${code}`);
}

test('readSource returns the file and its source, by experiment name', async ({ registry, folder }) => {
  const { file, source } = await registry.readSource('nested');
  assert.is(file, 'sub/nested.ts');
  assert.is(source, await readFile(folder.path('sub/nested.ts'), 'utf8'));
});

test('writeSource saves atomically, waits for the reload and returns the new entry', async ({ registry, folder }) => {
  const result = await registry.writeSource('editable', experimentSource('editable', { description: 'edited' }));
  assert.is(result.file, 'editable.ts');
  assert.is(result.experiment?.description, 'edited');
  assert.is(registry.get('editable')?.description, 'edited');
  const leftovers = (await readdir(folder.dir)).filter((name) => name.endsWith('.tmp'));
  assert.equal(leftovers, [], 'no temp file is left behind');
});

test('a source that fails to load is still saved, and the load error is returned', async ({ registry, folder }) => {
  const broken = experimentSource('editable').replace('.name("editable")', '.name("editable"');
  const result = await registry.writeSource('editable', broken);
  assert.is(await readFile(folder.path('editable.ts'), 'utf8'), broken);
  assert.is(result.experiment?.name, 'editable', 'a broken experiment keeps its name');
  assert.is(result.experiment?.error?.code, 'ERR_SYNTAX');
  assert.ok(result.experiment?.error?.line);
  const fixed = await registry.writeSource('editable', experimentSource('editable', { description: 'fixed' }));
  assert.is(fixed.experiment?.error, undefined);
});

test('writeSource refuses an unknown name, a path-like name and a NUL byte', async ({ registry }) => {
  await refused(registry.writeSource('nope', 'x'), 'ERR_NOT_FOUND', '"nope"');
  await refused(registry.writeSource('../editable', 'x'), 'ERR_BAD_PATH', 'looks like a path');
  await refused(registry.writeSource('/etc/passwd', 'x'), 'ERR_BAD_PATH');
  await refused(registry.readSource('edit\0able'), 'ERR_BAD_PATH', 'NUL');
});

test('writeSource refuses a source over the size limit, and writes nothing', async ({ registry, folder }) => {
  const before = await readFile(folder.path('editable.ts'), 'utf8');
  await refused(registry.writeSource('editable', 'x'.repeat(64 * 1024 + 1)), 'ERR_TOO_LARGE', /65537 bytes, above the limit of 65536/);
  assert.is(await readFile(folder.path('editable.ts'), 'utf8'), before);
});

test('a symlink leading outside the folder is refused for reading and writing', async ({ registry, outside }) => {
  const escaped = registry.list().find((entry) => entry.file === 'escape.ts');
  assert.ok(escaped, 'the linked experiment is discovered');
  await refused(registry.readSource(escaped.name), 'ERR_BAD_PATH', 'outside the experiments folder');
  const before = await readFile(outside.path('secret.ts'), 'utf8');
  await refused(registry.writeSource(escaped.name, '// overwritten'), 'ERR_BAD_PATH');
  assert.is(await readFile(outside.path('secret.ts'), 'utf8'), before);
});

test('createExperiment writes the template, loads it and returns its entry', async ({ registry, folder }) => {
  const result = await registry.createExperiment('drafts/first_draft.ts');
  assert.is(result.file, 'drafts/first_draft.ts');
  assert.is(result.experiment?.name, 'first_draft');
  assert.is(result.experiment?.error, undefined, result.experiment?.error?.message);
  assert.equal(Object.keys((result.experiment?.schema as any).properties), ['iterations']);
  const source = await readFile(folder.path('drafts/first_draft.ts'), 'utf8');
  assert.match(source, "export async function run(ctx: RunContext)");
});

test('createExperiment takes a name, and adds .ts to a bare file name', async ({ registry }) => {
  const result = await registry.createExperiment('second', { name: 'my.second-experiment' });
  assert.is(result.file, 'second.ts');
  assert.is(result.experiment?.name, 'my.second-experiment');
});

test('createExperiment refuses existing files and taken names', async ({ registry }) => {
  await refused(registry.createExperiment('editable.ts', { name: 'another' }), 'ERR_EXISTS', 'already exists');
  await refused(registry.createExperiment('elsewhere.ts', { name: 'editable' }), 'ERR_EXISTS', 'editable.ts');
});

test('createExperiment refuses bad paths and names, and writes nothing', async ({ registry, folder, outside }) => {
  await refused(registry.createExperiment('../escape.ts'), 'ERR_BAD_PATH', '".."');
  await refused(registry.createExperiment('sub/../../escape.ts'), 'ERR_BAD_PATH', '".."');
  await refused(registry.createExperiment('/tmp/absolute.ts'), 'ERR_BAD_PATH', 'absolute');
  await refused(registry.createExperiment('nul\0.ts'), 'ERR_BAD_PATH', 'NUL');
  await refused(registry.createExperiment('linked-out/new.ts'), 'ERR_BAD_PATH', 'outside the experiments folder');
  await refused(registry.createExperiment('node_modules/x.ts'), 'ERR_BAD_PATH', 'node_modules');
  await refused(registry.createExperiment('notes.txt'), 'ERR_BAD_PATH', 'must end in');
  await refused(registry.createExperiment('ok.ts', { name: 'bad name!' }), 'ERR_BAD_NAME', 'invalid');
  await refused(registry.createExperiment('ok.ts', { name: "x'); process.exit(1); ('" }), 'ERR_BAD_NAME');
  assert.not.ok(existsSync(outside.path('new.ts')));
  assert.not.ok(existsSync(folder.path('ok.ts')));
});

test.run();
