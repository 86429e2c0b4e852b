#!/usr/bin/env node
// Runs every uvu suite under test/ (with tsx for TypeScript) and ends with the line CI
// reads, `N passed, N failed`, which uvu does not print itself. Two uvu processes: the
// Node suites, then the component suites (test/ui/) in a happy-dom window, which must not
// replace the globals the Node suites use.
// Usage: npm test [-- PATTERN]   (PATTERN: a regex on test file paths under test/, default all)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pattern = process.argv[2] ?? '\\.test\\.ts$';
const groups = [
  { name: 'node', preload: [], ignore: '^ui/' },
  { name: 'components', preload: ['--import', './test/helpers/dom.ts'], ignore: '^(?!ui)' },
];

function runGroup(group) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ...group.preload, 'node_modules/uvu/bin.js', 'test', pattern, '--ignore', group.ignore, '--no-color'],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    let reaper;
    let partial = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
      // uvu prints each file's path as it starts it: time from one to the next.
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) if (/^\S+\.test\.ts$/.test(line.trim())) startFile(line.trim());
      if (output.length > 1_000_000) output = output.slice(-100_000); // only the tail holds the totals
      // uvu has printed its totals: whatever the suites left open (the browser suites share
      // one Chromium and one Vite server) must not keep the run waiting.
      if (!reaper && /Duration:/.test(output)) reaper = setTimeout(() => child.kill('SIGKILL'), 5_000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(reaper);
      const count = (label) => Number(output.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
      const total = count('Total');
      const passed = count('Passed');
      if (Number.isNaN(total) || Number.isNaN(passed)) {
        if (code === 0 && !output.trim()) return resolve({ passed: 0, failed: 0, skipped: 0 }); // no suite matched
        // uvu never reached its summary: the process crashed or was killed.
        console.log(`\nthe ${group.name} test process ended early (${signal ?? `exit ${code}`}) before uvu's summary`);
        return resolve({ passed: Number.isNaN(passed) ? 0 : passed, failed: 1, skipped: 0 });
      }
      // uvu's Total leaves out skipped tests. Killed after its totals, the exit code means nothing.
      const failed = total - passed + (code !== 0 && signal !== 'SIGKILL' && total === passed ? 1 : 0);
      resolve({ passed, failed, skipped: count('Skipped') || 0 });
    });
  });
}

/** Seconds per test file (the slowest are printed at the end: where the suite's time goes). */
const fileTimes = [];
let current;
function startFile(file) {
  const now = performance.now();
  if (current) fileTimes.push([current.file, (now - current.at) / 1000]);
  current = file ? { file, at: now } : undefined;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const group of groups) {
  const result = await runGroup(group);
  startFile(undefined);
  for (const key of Object.keys(totals)) totals[key] += result[key];
}
const slowest = fileTimes.sort((a, b) => b[1] - a[1]).slice(0, 12);
if (slowest.length > 1) console.log(`\nslowest files:\n${slowest.map(([file, s]) => `  ${s.toFixed(1).padStart(6)} s  ${file}`).join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
