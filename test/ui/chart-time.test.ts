import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatX } from '../../ui/state/chart-data.ts';
import { timeTicks } from '../../ui/elements/chart/chart-options.ts';
import { formatTime } from '../../ui/app/format.ts';

const at = (y: number, mo: number, d: number, h: number, mi: number, s: number) => new Date(y, mo - 1, d, h, mi, s).getTime();

test('a time on a chart (legend, screen-reader table) reads as every other time in the app: YYYY-MM-DD HH:mm:ss', () => {
  const ms = at(2026, 11, 24, 14, 3, 7);
  assert.is(formatX(ms, 'time'), '2026-11-24 14:03:07');
  assert.is(formatX(ms, 'time'), formatTime(new Date(ms).toISOString()));
  assert.is(formatX(12, 'step'), '12');
});

test("a time axis's ticks: the clock, and the date (ISO) under the first and wherever the day changes", () => {
  const ticks = timeTicks([at(2026, 11, 24, 23, 59, 50), at(2026, 11, 24, 23, 59, 55), at(2026, 11, 25, 0, 0, 0), null]);
  assert.equal(ticks, ['23:59:50\n2026-11-24', '23:59:55', '00:00:00\n2026-11-25', '']);
  for (const tick of ticks) assert.not.match(tick, /\//, 'no M/D/Y');
});

test.run();
