import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { listCommand } from '../../core/cli/commands/list-command.ts';
import { typesCommand } from '../../core/cli/commands/types-command.ts';
import { createTempFolder, experimentSource, type TempFolder } from './plugin-test-kit.ts';

const test = suite<{ good: TempFolder; mixed: TempFolder }>('cli: athanor list / athanor types');

const RICH = `import { ConfigSchema, Definition } from 'athanor';
export function experiment() {
  return Definition.new()
    .name('rich')
    .description('Many kinds of field')
    .configuration(
      ConfigSchema.new()
        .field('model', 'string', { options: ['small', 'large'], default: 'small', label: 'Model' })
        .field('rate', 'float', { min: 0, max: 1, step: 0.1, description: 'learning rate' })
        .field('token', 'string', { required: true })
        .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }), { max: 5 })
        .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7 })),
    );
}
export async function run() {}
`;

test.before(async (context) => {
  context.good = await createTempFolder('cli-good');
  await context.good.write('rich.ts', RICH);
  await context.good.write('sub/simple.ts', experimentSource('simple', { description: 'a simple one' }));
  context.mixed = await createTempFolder('cli-mixed');
  await context.mixed.write('simple.ts', experimentSource('simple'));
  await context.mixed.write('broken.ts', experimentSource('broken').replace('export function experiment() {', 'export function experiment() {{'));
});

test.after(async ({ good, mixed }) => {
  await good.remove();
  await mixed.remove();
});

function capture() {
  const lines: string[] = [];
  return { lines, out: (line: string) => void lines.push(line) };
}

test('list prints each experiment with its fields, and exits 0 when all load', async ({ good }) => {
  const { lines, out } = capture();
  const code = await listCommand({ experimentsDir: good.dir, json: false, out });
  assert.is(code, 0);
  const text = lines.join('\n');
  assert.match(text, 'rich  (rich.ts)  Many kinds of field');
  assert.match(text, /model\s+string, one of "small" \| "large", default "small" {2}Model/);
  assert.match(text, /rate\s+float, 0\.\.1, step 0\.1 {2}learning rate/);
  assert.match(text, /token\s+string, required/);
  assert.match(text, /prompts\s+list \.\.5 items/);
  assert.match(text, /sampling\s+group\n\s+temperature\s+float, default 0\.7/);
  assert.match(text, 'simple  (sub/simple.ts)  a simple one');
  assert.match(text, '2 experiments');
});

test('list --json prints one line: the entries', async ({ good }) => {
  const { lines, out } = capture();
  assert.is(await listCommand({ experimentsDir: good.dir, json: true, out }), 0);
  assert.is(lines.length, 1);
  const entries = JSON.parse(lines[0]!);
  assert.equal(entries.map((e: { name: string }) => e.name), ['rich', 'simple']);
  assert.match(entries[0].codeHash, /^[0-9a-f]{64}$/);
});

test('list shows errors with file:line:column and exits 1 when any experiment is broken', async ({ mixed }) => {
  const { lines, out } = capture();
  assert.is(await listCommand({ experimentsDir: mixed.dir, json: false, out }), 1);
  const text = lines.join('\n');
  assert.match(text, /broken {2}\(broken\.ts\)\n {2}✗ ERR_SYNTAX at broken\.ts:\d+:\d+: Syntax error/);
  assert.match(text, '2 experiments, 1 broken');
  const json = capture();
  assert.is(await listCommand({ experimentsDir: mixed.dir, json: true, out: json.out }), 1);
  assert.is(JSON.parse(json.lines[0]!).find((e: { name: string }) => e.name === 'broken').error.code, 'ERR_SYNTAX');
});

test('list and types on a missing folder throw it for the CLI to tell (on stderr, exit 2), printing nothing', async () => {
  const { lines, out } = capture();
  for (const command of [() => listCommand({ experimentsDir: '/nonexistent/athanor', json: true, out }), () => typesCommand({ experimentsDir: '/nonexistent/athanor', out })]) {
    const error = await command().then(() => undefined, (thrown: { code?: string; message: string }) => thrown);
    assert.is(error?.code, 'ERR_NOT_FOUND');
    assert.match(error!.message, 'does not exist');
  }
  assert.equal(lines, []);
});

test('types writes <file>.config.d.ts next to each experiment, and leaves unchanged ones alone', async ({ good }) => {
  const { lines, out } = capture();
  assert.is(await typesCommand({ experimentsDir: good.dir, out }), 0);
  const rich = await readFile(good.path('rich.config.d.ts'), 'utf8');
  assert.match(rich, 'export interface RichConfig');
  assert.match(rich, /model: "small" \| "large"/);
  assert.ok(existsSync(good.path('sub/simple.config.d.ts')));
  assert.equal(lines.map((l) => l.split(' ')[0]), ['wrote', 'wrote']);
  const again = capture();
  await typesCommand({ experimentsDir: good.dir, out: again.out });
  assert.equal(again.lines.map((l) => l.split(' ')[0]), ['unchanged', 'unchanged']);
});

test('types --out DIR writes <name>.config.d.ts into that folder; broken experiments exit 1', async ({ mixed }) => {
  const target = await createTempFolder('cli-types-out');
  try {
    const { lines, out } = capture();
    assert.is(await typesCommand({ experimentsDir: mixed.dir, outDir: target.path('types'), out }), 1);
    assert.match(await readFile(target.path('types/simple.config.d.ts'), 'utf8'), 'export interface SimpleConfig');
    assert.match(lines.join('\n'), /✗ broken \(broken\.ts\): experiment "broken" does not load/);
  } finally {
    await target.remove();
  }
});

test.run();
