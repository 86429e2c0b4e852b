import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, writeFile } from 'node:fs/promises';
import { listCommand } from '../../core/cli/commands/list-command.ts';
import { definitionsCacheFile } from '../../plugins/registry/definitions-cache.ts';
import { createTempFolder, experimentSource, type TempFolder } from './plugin-test-kit.ts';
import { startWorkbenchProcess } from '../helpers/workbench-process.ts';
import { until } from '../helpers/until.ts';

/**
 * `athanor list` (and the registry of every command, `athanor dev` too) keeps what loading each module
 * found, keyed by its code hash: an unchanged folder lists without loading anything, and an
 * edit of the module or of a helper it imports loads it again.
 */
const test = suite<{ folder: TempFolder; evaluations: string }>('definitions cache: unchanged modules list without loading, edits reload');

// Each evaluation of the module's top level appends a line: how many times it was loaded.
const counting = (evaluations: string) => `import { appendFileSync } from 'node:fs';
import { label } from './helpers/label.ts';
appendFileSync(${JSON.stringify(evaluations)}, 'loaded\\n');`;

test.before.each(async (context) => {
  context.folder = await createTempFolder('definitions-cache');
  context.evaluations = context.folder.path('evaluations.log');
  await context.folder.write('helpers/label.ts', `export const label = 'first label';\n`);
  await context.folder.write('counted.ts', experimentSource('counted', { prelude: counting(context.evaluations), descriptionExpression: 'label' }));
  await context.folder.write('broken.ts', experimentSource('broken').replace('export function experiment() {', 'export function experiment() {{'));
});

test.after.each(async ({ folder }) => {
  await folder.remove();
});

async function list(folder: TempFolder, json = false): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await listCommand({ experimentsDir: folder.dir, json, out: (line) => void lines.push(line) });
  return { code, text: lines.join('\n') };
}

const loads = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

test('a second list of an unchanged folder loads nothing and prints the same, broken files included', async ({ folder, evaluations }) => {
  const first = await list(folder);
  assert.is(first.code, 1); // broken.ts
  assert.match(first.text, 'counted  (counted.ts)  first label');
  assert.match(first.text, /✗ ERR_SYNTAX at broken\.ts:\d+:\d+/);
  assert.is(await loads(evaluations), 1);
  const second = await list(folder);
  assert.equal(second, first);
  assert.is(await loads(evaluations), 1, 'the unchanged module was loaded again');
  assert.equal(await list(folder, true), await list(folder, true));
  assert.is(await loads(evaluations), 1);
});

test('--json from the cache is what loading gives', async ({ folder }) => {
  const loaded = await list(folder, true);
  const cached = await list(folder, true);
  assert.is(cached.text, loaded.text);
  const entries = JSON.parse(cached.text) as { name: string; codeHash: string | null }[];
  assert.equal(entries.map((entry) => entry.name), ['broken', 'counted']);
  assert.match(entries[1]!.codeHash!, /^[0-9a-f]{64}$/);
});

test('an edit of a helper the experiment imports loads it again, and the new definition is listed', async ({ folder, evaluations }) => {
  await list(folder);
  await folder.write('helpers/label.ts', `export const label = 'second label';\n`);
  const after = await list(folder);
  assert.match(after.text, 'counted  (counted.ts)  second label');
  assert.is(await loads(evaluations), 2);
});

test('an edit of the experiment itself, and a new file, are loaded; a deleted file is forgotten', async ({ folder, evaluations }) => {
  await list(folder);
  const source = await readFile(folder.path('counted.ts'), 'utf8');
  await writeFile(folder.path('counted.ts'), source.replace("name(\"counted\")", "name(\"renamed\")"));
  await folder.write('fresh.ts', experimentSource('fresh'));
  await folder.delete('broken.ts');
  const after = await list(folder);
  assert.is(after.code, 0, after.text);
  assert.match(after.text, 'renamed  (counted.ts)  first label');
  assert.match(after.text, 'fresh  (fresh.ts)');
  assert.not.match(after.text, 'broken');
  assert.is(await loads(evaluations), 2);
  const kept = JSON.parse(await readFile(definitionsCacheFile(folder.dir), 'utf8')) as { files: Record<string, unknown> };
  assert.equal(Object.keys(kept.files).sort(), ['counted.ts', 'fresh.ts']);
});

test('a damaged cache file is ignored and replaced', async ({ folder, evaluations }) => {
  await list(folder);
  await writeFile(definitionsCacheFile(folder.dir), '{"salt": 12, "files": [');
  const after = await list(folder);
  assert.match(after.text, 'counted  (counted.ts)  first label');
  assert.is(await loads(evaluations), 2);
  JSON.parse(await readFile(definitionsCacheFile(folder.dir), 'utf8'));
});

test('athanor dev on a folder listed before starts from the cache (no module loaded again) and still reloads an edit', async ({ folder, evaluations }) => {
  await list(folder);
  assert.is(await loads(evaluations), 1);
  // The checkout's command, as the list above: the same code keys the same cache.
  const dev = await startWorkbenchProcess(['--db', 'memory', '--experiments', folder.dir], { checkout: true });
  try {
    const counted = (await dev.api('GET', '/api/experiments')).find((entry: { name: string }) => entry.name === 'counted');
    assert.is(counted?.description, 'first label');
    assert.is(await loads(evaluations), 1, 'athanor dev loaded an unchanged module again');
    // The loader it did not need at start is there for the first edit.
    await folder.write('helpers/label.ts', `export const label = 'edited label';\n`);
    await until(async () => (await dev.api('GET', '/api/experiments')).find((entry: { description: string }) => entry.description === 'edited label'), 'the edit to be loaded', 20_000);
    assert.is(await loads(evaluations), 2);
  } finally {
    dev.child.kill('SIGTERM');
    await dev.exited;
  }
});

test.run();
