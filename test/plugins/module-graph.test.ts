import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { importCandidates, scanLocalImports } from '../../plugins/graph/import-scanner.ts';
import { computeCodeHash, ModuleGraph, moduleNode, type ModuleNode } from '../../plugins/graph/module-graph.ts';
import { isModulePath, mayExportExperiment, readsLikeExperiment } from '../../plugins/discovery/experiment-files.ts';
import { ChangeDebouncer } from '../../plugins/watch/change-debouncer.ts';

const test = suite('plugins: module graph, file rules, debounce');

test('scanLocalImports finds static, re-export, side-effect, type and dynamic imports of local files only', () => {
  const source = `
import { a } from './a.ts';
import type { T } from "../types.ts";
import def, { b as c } from './b.js';
import './side-effect.ts';
export * from './all.ts';
export { d } from './d.mts';
import {
  e,
  f,
} from './multi.ts';
const lazy = await import('./lazy.ts');
import { Definition } from 'athanor';
import fs from 'node:fs';
`;
  assert.equal(scanLocalImports(source).sort(), ['../types.ts', './a.ts', './all.ts', './b.js', './d.mts', './lazy.ts', './multi.ts', './side-effect.ts']);
});

test('importCandidates maps .js to .ts and guesses extensionless specifiers', () => {
  assert.equal(importCandidates('/x/a.ts', './b.js'), ['/x/b.js', '/x/b.ts', '/x/b.tsx']);
  assert.equal(importCandidates('/x/a.ts', '../c.mjs'), ['/c.mjs', '/c.mts']);
  assert.equal(importCandidates('/x/a.ts', './d.ts'), ['/x/d.ts']);
  assert.ok(importCandidates('/x/a.ts', './e').includes('/x/e.ts'));
  assert.ok(importCandidates('/x/a.ts', './dir').includes('/x/dir/index.ts'));
});

test('the graph finds importers transitively and hashes a module with its local imports', async () => {
  const root = '/r';
  const files: Record<string, string> = {
    '/r/exp.ts': "import { v } from './lib/via.js';",
    '/r/lib/via.ts': "export { v } from './value.ts';",
    '/r/lib/value.ts': 'export const v = 1;',
    '/r/other.ts': 'export const o = 1;',
  };
  const graph = new ModuleGraph();
  for (const [file, text] of Object.entries(files)) graph.set(file, moduleNode(file, text));
  assert.equal([...graph.importersOf(['/r/lib/value.ts'])].sort(), ['/r/exp.ts', '/r/lib/via.ts']);
  assert.ok(graph.isImported('/r/lib/via.ts'));
  const read = async (file: string): Promise<ModuleNode | undefined> => graph.get(file);
  const before = await computeCodeHash('/r/exp.ts', root, read);
  graph.set('/r/other.ts', moduleNode('/r/other.ts', 'export const o = 2;'));
  assert.is(await computeCodeHash('/r/exp.ts', root, read), before, 'an unrelated module does not count');
  graph.set('/r/lib/value.ts', moduleNode('/r/lib/value.ts', 'export const v = 2;'));
  assert.is.not(await computeCodeHash('/r/exp.ts', root, read), before, 'a module two imports away counts');
  graph.delete('/r/lib/via.ts');
  assert.ok(graph.isImported('/r/lib/via.ts'), 'an import of a missing file is still an edge');
  assert.is(await computeCodeHash('/r/missing.ts', root, read), undefined);
  assert.ok(path.isAbsolute(root));
});

test('module paths: extensions and skipped names', () => {
  for (const ok of ['a.ts', 'sub/b.mts', 'c.js', 'd.mjs']) assert.ok(isModulePath(ok), ok);
  for (const skipped of ['a.d.ts', 'a.test.ts', 'a.spec.mjs', 'node_modules/a.ts', '.cache/a.ts', 'x/.#a.ts', 'a.tsx', 'a.json', 'a.ts~']) {
    assert.not.ok(isModulePath(skipped), skipped);
  }
});

test('the pre-load text check never skips a module that could export experiment() or run()', () => {
  for (const source of [
    'export function experiment() {}',
    'export default { experiment, run }',
    'const x = {}; export default x;',
    "export * from './impl.ts';",
    'module.exports = require("./x")',
    'export { a as run }',
  ]) {
    assert.ok(mayExportExperiment(source), source);
  }
  assert.not.ok(mayExportExperiment('export const rows = [1, 2, 3];'));
  assert.ok(readsLikeExperiment('export async function run(ctx) {'));
  assert.ok(readsLikeExperiment('export default {\n  experiment() {}'));
  assert.not.ok(readsLikeExperiment('// the experiment runs here\nexport const x = 1;'));
});

test('the debouncer fires once after a burst, and no later than maxWait under a steady stream', async () => {
  const fired: number[] = [];
  const debouncer = new ChangeDebouncer<string>({ delayMs: 20, maxWaitMs: 100, fire: () => void fired.push(performance.now()) });
  // Waited for, not slept on: a loaded machine runs timers late (this failed under load with a fixed 60 ms).
  const firedBy = async (count: number, boundMs: number) => {
    for (const end = performance.now() + boundMs; fired.length < count && performance.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  debouncer.touch('a');
  debouncer.touch('a');
  await firedBy(1, 5_000);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.is(fired.length, 1, 'a burst fires once');
  // A change every 5 ms never leaves the 20 ms quiet a debounce waits for: maxWait fires it anyway.
  const started = performance.now();
  const stream = setInterval(() => debouncer.touch('b'), 5);
  await firedBy(2, 5_000);
  clearInterval(stream);
  debouncer.clear();
  assert.is(fired.length, 2, 'a steady stream still fires');
  assert.ok(fired[1]! - started < 5_000, `fired ${Math.round(fired[1]! - started)} ms into the stream`);
});

test.run();
