#!/usr/bin/env node
// Runs every uvu suite under test/ in one process (with tsx for TypeScript) and ends with
// the line CI reads, `N passed, N failed`, which uvu does not print itself.
// Usage: npm test [-- PATTERN]   (PATTERN: a regex on test file paths, default all)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pattern = process.argv[2] ?? '\\.test\\.ts$';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern, '--no-color'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);

let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
  if (output.length > 1_000_000) output = output.slice(-100_000); // only the tail holds the totals
});

child.on('close', (code, signal) => {
  const count = (label) => Number(output.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
  const total = count('Total');
  const passed = count('Passed');
  const skipped = count('Skipped') || 0;
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    // uvu never reached its summary: the process crashed or was killed.
    console.log(`\nthe test process ended early (${signal ?? `exit ${code}`}) before uvu's summary`);
    console.log(`0 passed, 1 failed`);
    process.exit(1);
  }
  // uvu's Total leaves out skipped tests.
  const failed = total - passed;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
