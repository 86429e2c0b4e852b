import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createTempFolder, EventRecorder, experimentSource, sleep, type TempFolder } from './plugin-test-kit.ts';

interface Context {
  folder: TempFolder;
  registry: ExperimentRegistry;
  recorder: EventRecorder;
}
const test = suite<Context>('experiment-registry: hot reload');

test.before(async (context) => {
  const folder = (context.folder = await createTempFolder('reload'));
  await folder.write('alpha.ts', experimentSource('alpha', { description: 'v0' }));
  await folder.write('lib/label.ts', "export const label: string = 'first';\n");
  await folder.write('lib/indirect.ts', "export { label } from './label.ts';\n");
  await folder.write('uses-label.ts', experimentSource('uses_label', { prelude: "import { label } from './lib/indirect.ts';", descriptionExpression: 'label' }));
  await folder.write('also-label.mts', experimentSource('also_label', { prelude: "import { label } from './lib/label.ts';", descriptionExpression: '`also ${label}`' }));
  context.registry = createExperimentRegistry({ experimentsDir: folder.dir });
  context.recorder = new EventRecorder(context.registry);
  await context.registry.start();
});

test.after(async ({ folder, registry, recorder }) => {
  recorder.stop();
  await registry.stop();
  await folder.remove();
});

test('start() publishes the initial experiments', ({ registry, recorder }) => {
  assert.equal(registry.list().map((e) => e.name), ['alpha', 'also_label', 'uses_label']);
  assert.ok(recorder.events.some((e) => e.type === 'experiment.changed' && e.experiment.name === 'alpha'));
});

test('adding a file publishes experiment.changed with its definition', async ({ folder, registry, recorder }) => {
  const seen = recorder.changed((e) => e.name === 'added');
  await folder.write('added.ts', experimentSource('added', { description: 'new one' }));
  const entry = await seen;
  assert.is(entry.file, 'added.ts');
  assert.is(entry.description, 'new one');
  assert.is(registry.get('added')?.description, 'new one');
});

test('changing a file reloads it: new definition and new code hash', async ({ folder, registry, recorder }) => {
  const before = registry.get('alpha')!;
  const seen = recorder.changed((e) => e.name === 'alpha' && e.description === 'v1');
  await folder.write('alpha.ts', experimentSource('alpha', { description: 'v1', iterations: 20 }));
  const entry = await seen;
  assert.is((entry.schema as any).properties.iterations.default, 20);
  assert.is.not(entry.codeHash, before.codeHash);
});

test('deleting a file publishes experiment.removed', async ({ folder, registry, recorder }) => {
  const seen = recorder.removed('added');
  await folder.delete('added.ts');
  assert.equal(await seen, { type: 'experiment.removed', name: 'added', file: 'added.ts' });
  assert.is(registry.get('added'), undefined);
});

test('renaming a file moves the experiment: one changed event with the new file, no removal', async ({ folder, registry, recorder }) => {
  const since = recorder.events.length;
  await folder.move('alpha.ts', 'renamed/alpha-moved.ts');
  const entry = await recorder.changed((e) => e.name === 'alpha' && e.file === 'renamed/alpha-moved.ts', { since });
  await registry.whenIdle();
  await sleep(100);
  assert.is(entry.description, 'v1');
  assert.equal(recorder.since(since).filter((e) => e.startsWith('removed')), [], recorder.since(since).join(', '));
  assert.is(registry.get('alpha')?.file, 'renamed/alpha-moved.ts');
});

test('renaming an experiment inside its file removes the old name', async ({ folder, registry, recorder }) => {
  const removed = recorder.removed('alpha');
  const added = recorder.changed((e) => e.name === 'alpha2');
  await folder.write('renamed/alpha-moved.ts', experimentSource('alpha2'));
  await Promise.all([removed, added]);
  assert.is(registry.get('alpha'), undefined);
});

test('changing a helper reloads every experiment importing it, directly or not', async ({ folder, registry, recorder }) => {
  const direct = recorder.changed((e) => e.name === 'also_label' && e.description === 'also second');
  const indirect = recorder.changed((e) => e.name === 'uses_label' && e.description === 'second');
  const hashes = [registry.get('also_label')!.codeHash, registry.get('uses_label')!.codeHash];
  await folder.write('lib/label.ts', "export const label: string = 'second';\n");
  const entries = await Promise.all([direct, indirect]);
  assert.is.not(entries[0].codeHash, hashes[0]);
  assert.is.not(entries[1].codeHash, hashes[1]);
  assert.is(registry.get('alpha2')?.description, 'about alpha2', 'unrelated experiments are untouched');
});

test('a burst of two writes ends in one reload of the final content', async ({ folder, registry, recorder }) => {
  await registry.whenIdle();
  const since = recorder.events.length;
  await writeFile(folder.path('renamed/alpha-moved.ts'), experimentSource('alpha2', { description: 'burst 1' }));
  await writeFile(folder.path('renamed/alpha-moved.ts'), experimentSource('alpha2', { description: 'burst 2' }));
  await recorder.changed((e) => e.name === 'alpha2' && e.description === 'burst 2', { since });
  await sleep(150);
  await registry.whenIdle();
  assert.equal(recorder.since(since), ['changed alpha2 "burst 2"']);
});

test('write-to-temp-then-rename ends in one reload, and the file is still watched after', async ({ folder, registry, recorder }) => {
  await registry.whenIdle();
  const since = recorder.events.length;
  await folder.writeAtomic('renamed/alpha-moved.ts', experimentSource('alpha2', { description: 'atomic' }));
  await recorder.changed((e) => e.name === 'alpha2' && e.description === 'atomic', { since });
  await sleep(150);
  assert.equal(recorder.since(since), ['changed alpha2 "atomic"']);
  await writeFile(folder.path('renamed/alpha-moved.ts'), experimentSource('alpha2', { description: 'after atomic' }));
  await recorder.changed((e) => e.name === 'alpha2' && e.description === 'after atomic', { since });
});

test('a thousand rapid edits end with the last version loaded', async ({ folder, registry, recorder }) => {
  const since = recorder.events.length;
  const file = folder.path('uses-label.ts');
  for (let i = 1; i <= 1000; i++) {
    await writeFile(file, experimentSource('uses_label', { description: `edit ${i}` }));
  }
  await recorder.changed((e) => e.name === 'uses_label' && e.description === 'edit 1000', { since, timeoutMs: 60_000 });
  await sleep(100);
  await registry.whenIdle();
  assert.is(registry.get('uses_label')?.description, 'edit 1000');
  const changes = recorder.since(since).filter((e) => e.startsWith('changed uses_label'));
  assert.is(changes.at(-1), 'changed uses_label "edit 1000"');
  assert.ok(changes.length < 100, `${changes.length} reloads for 1000 edits`);
});

test('a folder moved in and out of the experiments folder is picked up and dropped', async ({ folder, registry, recorder }) => {
  const outside = await createTempFolder('reload-outside');
  try {
    await outside.write('pack/packed.ts', experimentSource('packed'));
    const added = recorder.changed((e) => e.name === 'packed');
    await writeFile(folder.path('.keep'), '');
    const { rename } = await import('node:fs/promises');
    await rename(outside.path('pack'), folder.path('pack'));
    assert.is((await added).file, 'pack/packed.ts');
    const removed = recorder.removed('packed');
    await rename(folder.path('pack'), outside.path('pack'));
    await removed;
    assert.is(registry.get('packed'), undefined);
  } finally {
    await outside.remove();
  }
});

test('a helper outside the experiments folder (a project\'s ../src/), and one it imports, reload their importers when edited', async () => {
  const project = await createTempFolder('reload-outside');
  await project.write('src/unit.ts', "export const unit: string = 'ms';\n");
  await project.write('src/value.ts', "import { unit } from './unit.ts';\nexport const value: string = `one ${unit}`;\n");
  await project.write('experiments/exp.ts', experimentSource('outside_user', { prelude: "import { value } from '../src/value.ts';", descriptionExpression: 'value' }));
  const registry = createExperimentRegistry({ experimentsDir: project.path('experiments') });
  const recorder = new EventRecorder(registry);
  try {
    await registry.start();
    assert.is(registry.get('outside_user')?.description, 'one ms');
    const hash = registry.get('outside_user')!.codeHash;
    const edited = recorder.changed((e) => e.name === 'outside_user' && e.description === 'two ms');
    await writeFile(project.path('src/value.ts'), "import { unit } from './unit.ts';\nexport const value: string = `two ${unit}`;\n");
    assert.is.not((await edited).codeHash, hash, 'the code hash follows the helper');
    const deeper = recorder.changed((e) => e.name === 'outside_user' && e.description === 'two s');
    await writeFile(project.path('src/unit.ts'), "export const unit: string = 's';\n");
    await deeper;
    // Deleted and made again (git checkout, some editors): still watched.
    const broken = recorder.changed((e) => e.name === 'outside_user' && e.error !== undefined);
    await project.delete('src/unit.ts');
    await broken;
    const back = recorder.changed((e) => e.name === 'outside_user' && e.description === 'two h');
    await writeFile(project.path('src/unit.ts'), "export const unit: string = 'h';\n");
    await back;
  } finally {
    recorder.stop();
    await registry.stop();
    await project.remove();
  }
});

test('a run resolves the code on disk when it starts, even before the watcher reloads', async ({ folder, registry }) => {
  await registry.whenIdle();
  const listed = registry.get('also_label')!.codeHash;
  await writeFile(folder.path('lib/label.ts'), "export const label: string = 'third';\n");
  const { codeHash } = await registry.resolveForRun('also_label'); // no waiting
  assert.is.not(codeHash, listed);
});

test.run();
