import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RefreshTimer } from '../../ui/state/refresh-timer.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a burst of asks runs once; an earlier deadline brings it forward, a later one does not push it back', async () => {
  let runs = 0;
  const timer = new RefreshTimer(() => runs++);
  for (let i = 0; i < 50; i++) timer.schedule(40);
  await sleep(80);
  assert.is(runs, 1, 'fifty asks, one run');
  const started = Date.now();
  let at = 0;
  const forward = new RefreshTimer(() => (at = Date.now() - started));
  forward.schedule(1000);
  forward.schedule(20);
  forward.schedule(500);
  await sleep(120);
  assert.ok(at > 0 && at < 120, `brought forward to ~20 ms, ran at ${at} ms`);
  timer.schedule(20);
  timer.cancel();
  await sleep(50);
  assert.is(runs, 1, 'cancelled: nothing runs');
});

test.run();
