// What athanor sweep prints: its table fitted to the terminal, and its progress on a TTY.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instance, Run } from '../../../core/records.ts';
import { SweepFollower } from '../../../core/cli/sweep-report.ts';
import { formatMetric, formatSweepTable, MAX_METRIC_COLUMNS } from '../../../core/cli/sweep-table.ts';

const table = suite('athanor sweep: the table at the end');

table('one row per run: instance, status, each grid field (through groups), metrics measures first', () => {
  const lines = formatSweepTable(
    [
      { instance: 'b · top_k=1', status: 'completed', configuration: { sampling: { top_k: 1 } }, metrics: { step: 10, loss: 0.123456, acc_10: 1, acc_2: 0.5 } },
      { instance: 'b · top_k=20', status: 'failed', configuration: { sampling: { top_k: 20 } }, metrics: {} },
      { instance: 'b · top_k=3', status: 'cancelled', configuration: null, metrics: { loss: 1e-7 } },
    ],
    ['sampling.top_k'],
  );
  assert.equal(lines, [
    'instance      status     sampling.top_k  acc_2  acc_10  loss    step',
    'b · top_k=1   completed  1               0.5    1       0.1235  10',
    'b · top_k=20  failed     20',
    `b · top_k=3   cancelled  ${' '.repeat(14)}  ${' '.repeat(5)}  ${' '.repeat(6)}  1e-7`,
  ]);
});

table('the instance column gives way on a narrow terminal; past 6 metrics the rest are named by count; controls are escaped', () => {
  const metrics = Object.fromEntries(Array.from({ length: MAX_METRIC_COLUMNS + 2 }, (_, i) => [`m${i}`, i]));
  const lines = formatSweepTable([{ instance: `a very long instance name \x1b[2K · x=1`, status: 'completed', configuration: { x: 'é\x07' }, metrics }], ['x'], { columns: 60 });
  // 60 columns: the others take 42, the instance the 18 left.
  assert.is(lines[0], `${'instance'.padEnd(18)}  status     x      m0  m1  m2  m3  m4  m5`);
  assert.is(lines[1], 'a very long insta…  completed  é\\x07  0   1   2   3   4   5');
  assert.is(lines[2], '… 2 more metrics (--json prints them all)');
  assert.is(formatMetric(2), '2');
  assert.is(formatMetric(0.000123456), '0.0001235');
});

const progress = suite('athanor sweep: progress on a TTY');

function fakeTty() {
  let written = '';
  const stream = { isTTY: true, columns: 100, write: (text: string) => ((written += text), true) } as unknown as NodeJS.WriteStream;
  return { stream, written: () => written };
}

progress('a sweep of one run says "1 run"', () => {
  const tty = fakeTty();
  const follower = new SweepFollower({ stdout: tty.stream, stderr: tty.stream }, false, [{ id: '1', instanceId: 'i1', status: 'pending', error: null } as Run], [{ id: 'i1', name: 's · x=1' } as Instance]);
  follower.start({ experiment: 'e', name: 's', grid: { x: [1] } });
  assert.match(tty.written(), 'sweep "s" of e: 1 run (1 x)\n');
});

progress('a bar of the runs ended, with how many run, wait and failed; a line per run as it ends', () => {
  const tty = fakeTty();
  const run = (id: string, status: Run['status']) => ({ id, instanceId: `i${id}`, status, error: null }) as Run;
  const instances = ['1', '2', '3'].map((id) => ({ id: `i${id}`, name: `s · x=${id}` }) as Instance);
  const follower = new SweepFollower({ stdout: tty.stream, stderr: tty.stream }, false, [run('1', 'running'), run('2', 'pending'), run('3', 'pending')], instances);
  follower.start({ experiment: 'e', name: 's', grid: { x: [1, 2, 3] } });
  assert.match(tty.written(), 'sweep "s" of e: 3 runs (3 x)\n');
  assert.match(tty.written(), '[------------------------------] 0/3 1 running · 2 waiting');
  follower.update({ id: '1', status: 'failed', error: 'boom\n  at stack' });
  follower.update({ id: '2', status: 'running', error: null });
  assert.match(tty.written(), '\r\x1b[2K[failed] s · x=1: boom\n');
  assert.match(tty.written(), '[##########--------------------] 1/3 1 running · 1 waiting · 1 failed · 0 cancelled');
  follower.update({ id: '1', status: 'completed', error: null });
  assert.not.match(tty.written(), '[completed] s · x=1', 'an ended run stays ended');
  assert.is(follower.finished, false);
  follower.update({ id: '2', status: 'completed', error: null });
  follower.update({ id: '3', status: 'cancelled', error: null });
  assert.is(follower.finished, true);
  follower.done();
  assert.ok(tty.written().endsWith('\r\x1b[2K'), 'the bar is removed at the end');
});

table.run();
progress.run();
