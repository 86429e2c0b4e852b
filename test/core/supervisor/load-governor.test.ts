// The governor and the shared buffer bound keep the workbench answering while runs flood
// it (the figures are the server benchmark's; here, the behaviour).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LoadGovernor } from '../../../core/supervisor/load-governor.ts';
import { OutputBuffer } from '../../../core/run-output/output-buffer.ts';
import type { EncodedLogEntry } from '../../../core/experiments-service.ts';
import { until } from '../../helpers/until.ts';

const test = suite('run output under load: the governor and the shared buffer bound');

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* the event loop is blocked, as by a flood of output */
  }
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('while it pauses output it keeps the process alive until it resumes (a run in this process has no pipe that would)', async () => {
  // A process whose only work left is the governor's resume: before, its timer did not hold
  // the event loop and the process exited with the output still paused.
  const script = `
    import { LoadGovernor } from ${JSON.stringify(new URL('../../../core/supervisor/load-governor.ts', import.meta.url).href)};
    const governor = new LoadGovernor({ intervalMs: 10, pauseAboveMs: 15, resumeBelowMs: 5 });
    const seen = [];
    const hold = setTimeout(() => console.log('never paused'), 10_000); // the run's work, until it pauses
    const stop = governor.subscribe((paused) => {
      seen.push(paused);
      if (paused) clearTimeout(hold); // from here on only the governor can bring it back
      else { stop(); console.log(JSON.stringify(seen)); }
    });
    setTimeout(() => { const end = performance.now() + 80; while (performance.now() < end) {} }, 20);
  `;
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.is(out.trim(), '[true,false]');
});

test('a lagging event loop pauses the runs, which resume once it catches up', async () => {
  const governor = new LoadGovernor({ intervalMs: 10, pauseAboveMs: 15, resumeBelowMs: 5 });
  const changes: boolean[] = [];
  const unsubscribe = governor.subscribe((paused) => changes.push(paused));
  try {
    // An idle loop pauses nothing: a quiet 30 ms window, tried a few times, as a machine
    // under load can delay any timer past the threshold now and then.
    let quiet = false;
    for (let attempt = 0; attempt < 20 && !quiet; attempt++) {
      changes.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 30));
      quiet = changes.length === 0 && !governor.paused;
    }
    assert.ok(quiet, `an idle loop pauses nothing (last window: ${JSON.stringify(changes)})`);
    busy(60);
    await until(() => changes.includes(true), 'a pause');
    await until(() => changes.at(-1) === false, 'the resume');
    assert.is(governor.paused, false);
  } finally {
    unsubscribe();
  }
});

test('a pause never outlasts maxPauseMs, however busy the loop stays', async () => {
  const governor = new LoadGovernor({ intervalMs: 10, pauseAboveMs: 15, resumeBelowMs: 5, maxPauseMs: 100, minRunMs: 50 });
  const changes: [number, boolean][] = [];
  const unsubscribe = governor.subscribe((paused) => changes.push([performance.now(), paused]));
  try {
    const end = performance.now() + 600;
    while (performance.now() < end) {
      busy(25); // always late
      await tick();
    }
    const pauses = changes.filter(([, paused]) => paused).length;
    assert.ok(pauses >= 2, `paused ${pauses} times`);
    // Uncapped, the first pause would last the whole busy window (~550 ms). The slack is a loaded
    // CI machine's: a 2-core runner under three suites took the process away for >60 ms.
    const lengths = changes.flatMap(([at, paused], i) => (paused && changes[i + 1] ? [Math.round(changes[i + 1]![0] - at)] : []));
    assert.ok(lengths.every((ms) => ms < 100 + 200), `each pause ends within maxPauseMs (100 ms) and the loop's lateness: ${lengths.join(', ')} ms`);
  } finally {
    unsubscribe();
  }
});

test('a buffer with a shared bound pauses at its share and flushes at most half of it at once', async () => {
  const share = 2_000;
  const batches: number[] = [];
  let paused = false;
  let release: () => void = () => {};
  const buffer = new OutputBuffer({
    store: async (logs) => {
      batches.push(logs.length);
      await new Promise<void>((resolve) => (release = resolve));
    },
    pause: () => (paused = true),
    resume: () => (paused = false),
    onError: (error) => assert.unreachable(String(error)),
    highWater: () => share,
  });
  const entry: EncodedLogEntry = { level: 'info', message: 'x', metadata: null, timestamp: new Date() };
  buffer.add(Array(500).fill(entry), []); // the first flush starts at once
  buffer.add(Array(2_500).fill(entry), []);
  assert.ok(paused, 'over its share, the run is paused');
  while (buffer.size > 0 || batches.length < 2) {
    release();
    await tick();
  }
  release();
  await buffer.drain();
  assert.is(batches[0], 500);
  assert.ok(batches.slice(1).every((n) => n <= 1_000), `flushes under the 2,000 share took ${batches.join(', ')}`);
  assert.is(paused, false, 'below a quarter of its share, the run resumes');
  assert.is(batches.reduce((a, b) => a + b, 0), 3_000);
});

test.run();
