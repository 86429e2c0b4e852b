/**
 * Every code sample of docs/guide.md runs (see test/helpers/markdown-samples.ts for the markers): the
 * `file:` samples become a scratch project inside this package (so `import 'athanor'`
 * resolves to it), which must type-check, whose experiments must load and whose tests
 * must pass; `run` samples are executed there, and `sh: run` commands run against it.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { markerProblem, parseSamples, shellCommands, type Sample } from '../helpers/markdown-samples.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/athanor.js');
const GUIDE = await readFile(path.join(ROOT, 'docs/guide.md'), 'utf8');
const SAMPLES = parseSamples(GUIDE);
const FILES = SAMPLES.filter((s) => s.marker?.kind === 'file');
const SCRIPTS = SAMPLES.filter((s) => s.marker?.kind === 'run');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000); // generous: CI machines can be slow
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const scriptPath = (sample: Sample) => `scripts/guide-line-${sample.line}.ts`;
let project: string;

const guide = suite('docs/guide.md: every sample runs');

guide.before(async () => {
  await mkdir(path.join(ROOT, 'test-output'), { recursive: true });
  project = await mkdtemp(path.join(ROOT, 'test-output', 'guide-'));
  const files = [
    ...FILES.map((s) => [(s.marker as { path: string }).path, s.code] as const),
    ...SCRIPTS.map((s) => [scriptPath(s), s.code] as const),
    ['tsconfig.json', JSON.stringify({ extends: '../../tsconfig.json', include: ['.'], exclude: [] })],
    ['vitest.config.ts', "export default { test: { include: ['test/**/*.vitest.ts'], testTimeout: 60_000 } };\n"],
  ];
  for (const [relative, content] of files) {
    await mkdir(path.dirname(path.join(project, relative)), { recursive: true });
    await writeFile(path.join(project, relative), content);
  }
});
guide.after(async () => {
  await rm(project, { recursive: true, force: true });
});

guide('every block says how it is tested', () => {
  const problems = SAMPLES.map(markerProblem).filter((problem) => problem !== undefined);
  assert.equal(problems, []);
  assert.ok(FILES.length >= 5 && SCRIPTS.length >= 3, 'the guide has file and run samples');
  const untested = SAMPLES.filter((s) => s.marker?.kind === 'not-tested');
  assert.equal(untested.map((s) => s.lang), ['sh', 'html', 'sh'], 'only the install, embedding and Postgres samples are not run here');
});

guide('the experiments load without errors', async () => {
  const registry = createExperimentRegistry({ experimentsDir: path.join(project, 'experiments'), watch: false });
  try {
    await registry.start();
    const entries = registry.list();
    assert.equal(entries.filter((e) => e.error).map((e) => `${e.file}: ${e.error!.message}`), []);
    assert.equal(entries.map((e) => e.name), ['config_tour', 'load_rows', 'polling', 'quota_check', 'word_lengths']);
  } finally {
    await registry.stop();
  }
});

guide('the files and scripts type-check', async () => {
  const { code, output } = await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  assert.is(code, 0, output);
});

guide('the node:test files pass', async () => {
  const tests = FILES.map((s) => (s.marker as { path: string }).path).filter((file) => file.endsWith('.test.ts'));
  assert.ok(tests.length > 0);
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', ...tests], project);
  assert.is(code, 0, output);
  assert.match(output, /# fail 0\n/);
});

guide('the vitest files pass', async () => {
  const { code, output } = await run(process.execPath, [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.ts'], project);
  assert.is(code, 0, output);
  assert.match(output, /Tests\s+\d+ passed/);
});

for (const sample of SCRIPTS) {
  guide(`the script at line ${sample.line} runs`, async () => {
    const { code, output } = await run(process.execPath, ['--import', 'tsx', scriptPath(sample)], project);
    assert.is(code, 0, `docs/guide.md:${sample.line}\n${output}`);
  });
}

for (const sample of SAMPLES.filter((s) => s.marker?.kind === 'sh-run')) {
  for (const { command, exitCode } of shellCommands(sample)) {
    guide(`\`${command}\` exits ${exitCode}`, async () => {
      // The package's own bin stands for `npx athanor`; storage in memory keeps runs from writing to disk.
      const line = command.replace(/^npx athanor /, `"${process.execPath}" "${BIN}" `);
      const { code, output } = await run('sh', ['-c', line], project, { ATHANOR_DATABASE_URL: 'memory' });
      assert.is(code, exitCode, `docs/guide.md:${sample.line}: ${command}\n${output}`);
    });
  }
}

guide.run();
