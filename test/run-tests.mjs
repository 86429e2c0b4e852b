#!/usr/bin/env node
// Runs every uvu suite under test/ (with tsx for TypeScript) and ends with the line CI
// reads, `N passed, N failed`, which uvu does not print itself.
//
// Files run in parallel uvu processes (ATHANOR_TEST_JOBS, default one more than cores, at least 3),
// the slowest first so they do not end the run alone: the browser suites in two processes (each
// shares one Chromium among its files), the component suites (test/ui/) in two others with a
// happy-dom window, which must not replace the globals the Node suites use; the slow files each in
// a process of its own, the others a folder's files together. A process's output is printed whole
// when it ends.
// After each process, whatever it started and left running (found by a marker in the
// environment) is named and killed, so one file's leak cannot slow or break the next.
//
// A process that outlives its bound (ATHANOR_TEST_FILE_TIMEOUT seconds, default 600; the browser
// suites get twice that) is killed and counted as a failure with what it printed, so one hung
// file cannot keep CI waiting; while processes run long, the runner names them every minute.
//
// Usage: npm test [-- PATTERN]   (PATTERN: a regex on test file paths under test/, default all)
//        npm run test:unit [-- PATTERN]   (the same without the browser suites and the slow files)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'test');
// `--unit` (npm run test:unit, the inner loop): no browser suites and none of the slow ones below.
const unit = process.argv.includes('--unit');
const pattern = new RegExp(process.argv.slice(2).find((arg) => arg !== '--unit') ?? '\\.test\\.ts$');
// One process more than cores: the suites wait on runs, browsers and databases (two processes kept
// two cores ~72% busy). On this 2-core machine: 2 → 449 s, 3 → 381 s, 4 → 384 s.
const jobs = Math.max(1, Number(process.env.ATHANOR_TEST_JOBS) || Math.max(3, availableParallelism() + 1));

/** Files known to take the longest, started first (a regex each, most expensive first). */
const SLOW = [/^core\/cli\/init\.pack/, /^docs\/guide-samples/, /workbench-process|run-command|\.process\./, /^core\/supervisor\/run-kernel/, /api-fuzz|start-races/];

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    const file = relative(testDir, path).split(sep).join('/');
    return /\.test\.ts$/.test(file) && pattern.test(file) ? [file] : [];
  });
}

const escape = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const files = testFiles(testDir).sort();
const browser = unit ? [] : files.filter((file) => file.startsWith('browser/'));
const components = files.filter((file) => file.startsWith('ui/'));
/** What `--unit` leaves out besides the browser suites: the slow files, and the CLI's whole-process ones (each starts athanor). */
const NOT_UNIT = [...SLOW, /^core\/cli\/(?!terminal-|sweep-report)/];
const rest = files.filter((file) => !file.startsWith('browser/') && !file.startsWith('ui/') && !(unit && NOT_UNIT.some((slow) => slow.test(file))));
const rank = (file) => {
  const index = SLOW.findIndex((slow) => slow.test(file));
  return index === -1 ? SLOW.length : index;
};
const GROUP = 8;
const folderOf = (file) => file.split('/').slice(0, -1).join('/');
/** `files` by folder, in runs of at most GROUP (a folder of 12: 6 and 6). */
function groupsOf(files) {
  const byFolder = new Map();
  for (const file of files) byFolder.set(folderOf(file), [...(byFolder.get(folderOf(file)) ?? []), file]);
  return [...byFolder.values()].flatMap((group) => {
    const parts = Math.ceil(group.length / GROUP);
    return Array.from({ length: parts }, (_, part) => group.filter((_, i) => i % parts === part));
  });
}

const queue = [
  // Two halves, each with its own Chromium: a lane is never left alone with all of them at the end.
  ...[0, 1].map((half) => ({ name: `browser suites (${half + 1}/2)`, files: browser.filter((_, i) => i % 2 === half), preload: [], browser: true })).filter((job) => job.files.length),
  ...rest.filter((file) => rank(file) < SLOW.length).sort((a, b) => rank(a) - rank(b)).map((file) => ({ name: file, files: [file], preload: [] })),
  // The component suites share a happy-dom window in two processes (each a third of the time 31
  // processes took): each clears what it mounted, and counts only its own workbench's requests.
  // Before the folders' processes: at ~40 s each, two of them last left a lane alone at the end.
  ...[0, 1]
    .map((half) => ({ name: `component suites (${half + 1}/2)`, files: components.filter((_, i) => i % 2 === half), preload: ['--import', './test/helpers/dom.ts'] }))
    .filter((job) => job.files.length),
  // The others, a folder's files together in processes of at most GROUP files: a process's start and
  // its imports through tsx cost ~2–3 s a file on this machine (core/http's 23 files: 259 s alone, 124 s together).
  // The larger first (files are a rough guide to time: the lanes end closer together).
  ...groupsOf(rest.filter((file) => rank(file) === SLOW.length)).sort((a, b) => b.length - a.length).map((files) => ({ name: files.length === 1 ? files[0] : `${folderOf(files[0])}/ (${files.length} files)`, files, preload: [] })),
];

// A pattern that matches nothing is a mistyped one, not a pass.
if (queue.length === 0) {
  console.error(`no test file matches ${pattern}${unit ? ' (outside the browser suites and the slow files: npm test runs those)' : ''}: the pattern is matched against paths under test/, e.g. core/http or browser/compare`);
  console.log('\n0 passed, 0 failed');
  process.exit(1);
}

/** Processes still running whose environment carries `marker`: what a finished job left behind. */
function leftBehind(marker) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return []; // no /proc (not Linux): nothing to check with
  }
  return pids.flatMap((pid) => {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`${marker}\0`)) return [];
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return []; // a zombie is already gone
      return [{ pid: Number(pid), command: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim().slice(0, 120) }];
    } catch {
      return []; // ended meanwhile, or not ours to read
    }
  });
}

// One folder every test process shares for what is built once per run: the PGlite
// templates of test/helpers/databases.ts (an initdb and the migrations, paid once, not per
// file), the built UI of the browser suites, and athanor's own cache (ATHANOR_CACHE_DIR: the
// PGlite template new database folders start from), so tests never write the user's cache.
const shared = mkdtempSync(join(tmpdir(), `athanor-test-${process.pid}-shared-`));
process.on('exit', () => rmSync(shared, { recursive: true, force: true }));

/**
 * CPU-seconds of this process's children reaped so far, they and what they waited for (Linux:
 * /proc/self/stat's cutime and cstime, in clock ticks of 1/100 s), or NaN elsewhere. Read as a
 * job's process closes (reaped then), the difference since the last reading is that job's CPU.
 */
function childrenCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}
let cpuRead = childrenCpuSeconds();

const fileTimeout = (Number(process.env.ATHANOR_TEST_FILE_TIMEOUT) || 600) * 1000;
const running = new Map(); // job name → start time

let jobCount = 0;
function runJob(job) {
  const marker = `ATHANOR_TEST_JOB=${process.pid}-${++jobCount}`;
  const started = performance.now();
  return new Promise((resolve) => {
    const regex = `^(${job.files.map(escape).join('|')})$`;
    const runner = ['test/helpers/run-suites.ts', ...(job.browser ? ['--browser'] : ['--no-color']), 'test', regex];
    const child = spawn(process.execPath, ['--import', 'tsx', ...job.preload, ...runner], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ATHANOR_TEST_JOB: marker.split('=')[1], ATHANOR_TEST_SHARED: shared, ATHANOR_CACHE_DIR: join(shared, 'cache') },
    });
    let output = '';
    let reaper;
    let timedOut = false;
    running.set(job.name, started);
    const bound = job.name.startsWith('browser suites') ? 2 * fileTimeout : fileTimeout;
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, bound);
    const collect = (chunk) => {
      output += chunk;
      if (output.length > 2_000_000) output = `${output.slice(0, 200_000)}\n[… output cut …]\n${output.slice(-200_000)}`;
      // uvu has printed its totals: whatever the suites left open (the browser suites share
      // one Chromium and one Vite server) must not keep the run waiting (5 s here cost ~25 s a run).
      if (!reaper && /Duration:/.test(output)) reaper = setTimeout(() => child.kill('SIGKILL'), 1_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code, signal) => {
      clearTimeout(reaper);
      clearTimeout(deadline);
      running.delete(job.name);
      if (timedOut) output += `\n${job.name} did not finish within ${bound / 1000} s: killed\n`;
      const seconds = (performance.now() - started) / 1000;
      const cpuNow = childrenCpuSeconds();
      const cpu = cpuNow - cpuRead;
      cpuRead = cpuNow;
      const count = (label) => Number(output.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
      const total = count('Total');
      const passed = count('Passed');
      let result;
      if (timedOut || Number.isNaN(total) || Number.isNaN(passed)) {
        // uvu never reached its summary: the process crashed or was killed.
        output += `\nthe test process of ${job.name} ended early (${signal ?? `exit ${code}`}) before uvu's summary\n`;
        result = { passed: Number.isNaN(passed) ? 0 : passed, failed: 1, skipped: 0 };
      } else {
        // uvu's Total leaves out skipped tests. Killed after its totals, the exit code means nothing.
        result = { passed, failed: total - passed + (code !== 0 && signal !== 'SIGKILL' && total === passed ? 1 : 0), skipped: count('Skipped') || 0 };
      }
      const leaked = leftBehind(marker);
      for (const { pid } of leaked) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // it ended meanwhile
        }
      }
      const leaks = leaked.length ? `\nleft running by ${job.name} (killed): ${leaked.map((p) => `${p.pid} ${p.command}`).join('; ')}\n` : '';
      process.stdout.write(`\n── ${job.name} (${seconds.toFixed(1)} s${Number.isNaN(cpu) ? '' : `, ${cpu.toFixed(1)} CPU-s`})\n${output}${leaks}`);
      // Each file's seconds, as run-suites.ts prints them after its suites.
      for (const [, file, fileSeconds] of output.matchAll(/^(\S+\.test\.ts)\n[^]*?^ {2}\((\d+\.\d) s\)$/gm)) fileTimes.push([file, Number(fileSeconds)]);
      resolve({ ...result, seconds, cpu });
    });
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const times = [];
const fileTimes = [];
async function lane() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const result = await runJob(job);
    times.push([job.name, result.seconds, result.cpu]);
    for (const key of Object.keys(totals)) totals[key] += result[key];
  }
}
const started = performance.now();
const watch = setInterval(() => {
  const long = [...running].filter(([, since]) => performance.now() - since > 120_000);
  if (long.length) console.log(`\n… still running: ${long.map(([name, since]) => `${name} (${((performance.now() - since) / 1000).toFixed(0)} s)`).join(', ')}`);
}, 60_000);
await Promise.all(Array.from({ length: jobs }, lane));
clearInterval(watch);
const slowest = times.sort((a, b) => b[1] - a[1]).slice(0, 12);
if (slowest.length > 1) {
  console.log(`\nslowest (${jobs} at a time, ${((performance.now() - started) / 1000).toFixed(0)} s in all):\n${slowest.map(([name, s, cpu]) => `  ${s.toFixed(1).padStart(6)} s  ${Number.isNaN(cpu) ? '' : `${cpu.toFixed(0).padStart(4)} CPU-s  `}${name}`).join('\n')}`);
  // Where the time goes, by folder (the browser suites as one group): process-seconds and CPU-seconds, summed.
  const groups = new Map();
  for (const [name, s, cpu] of times) {
    const group = name.includes(' suites (') ? name.replace(/ \(.*/, '') : name.endsWith(' files)') ? name.replace(/\/ \(.*/, '') : folderOf(name) || name;
    const [sum, count, cpuSum] = groups.get(group) ?? [0, 0, 0];
    groups.set(group, [sum + s, count + 1, cpuSum + cpu]);
  }
  const rows = [...groups]
    .sort((a, b) => b[1][0] - a[1][0])
    .map(([group, [s, count, cpu]]) => `  ${s.toFixed(0).padStart(6)} s  ${Number.isNaN(cpu) ? '' : `${cpu.toFixed(0).padStart(4)} CPU-s  `}${group} (${count})`);
  const slowFiles = fileTimes.sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`\nslowest files (each file's suites, in its process):\n${slowFiles.map(([file, s]) => `  ${s.toFixed(1).padStart(6)} s  ${file}`).join('\n')}`);
  const cpuTotal = times.reduce((sum, [, , cpu]) => sum + cpu, 0);
  console.log(`\nby folder (seconds of each process, summed; CPU-seconds${Number.isNaN(cpuTotal) ? '' : `, ${cpuTotal.toFixed(0)} in all`}; files):\n${rows.join('\n')}`);
  if (process.env.ATHANOR_TEST_TIMES) writeFileSync(process.env.ATHANOR_TEST_TIMES, JSON.stringify(Object.fromEntries(times.map(([n, s]) => [n, +s.toFixed(1)])), null, 1));
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
