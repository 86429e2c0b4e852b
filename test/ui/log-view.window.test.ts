import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogEntry, LogLevel } from '../../ui/client/api-client.ts';
import { LogWindow } from '../../ui/state/log-window.ts';

const LEVELS: LogLevel[] = ['info', 'info', 'debug', 'warn', 'error'];
const entry = (seq: number): LogEntry => ({ seq, level: LEVELS[seq % LEVELS.length]!, message: `entry ${seq}`, metadata: null, timestamp: new Date(seq).toISOString() });

/** A fake API over `count` entries: records the reads it answers. */
function fakeLog(count: number) {
  const log = { count, reads: [] as { after: number; limit: number; levels?: readonly LogLevel[] }[] };
  const fetch = async (after: number, limit: number, levels: readonly LogLevel[] | undefined) => {
    log.reads.push({ after, limit, ...(levels ? { levels } : {}) });
    const items: LogEntry[] = [];
    for (let seq = after + 1; seq <= log.count && items.length < limit; seq++) {
      const e = entry(seq);
      if (!levels || levels.includes(e.level)) items.push(e);
    }
    return { items, next: items.length === limit ? String(items[items.length - 1]!.seq) : null };
  };
  return { log, fetch };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

const test = suite('log window');

test('maps rows to sequence numbers and reads the pages in view, then two ahead, even in the middle of a million', async () => {
  const { log, fetch } = fakeLog(1_000_000);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 1000 });
  window.setTotal(1_000_000);
  assert.is(window.rowCount, 1_000_000);
  window.show(500_010, 500_040);
  await settle();
  assert.equal(log.reads, [
    { after: 500_000, limit: 1000 },
    { after: 501_000, limit: 1000 },
    { after: 502_000, limit: 1000 },
  ]);
  assert.is(window.row(500_010)?.seq, 500_011);
  assert.is(window.row(499_999), undefined);
});

test('scrolling up reads ahead upwards; rows already read are not read again', async () => {
  const { log, fetch } = fakeLog(1_000_000);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 1000 });
  window.setTotal(1_000_000);
  window.show(500_010, 500_040);
  await settle();
  log.reads.length = 0;
  window.show(499_990, 500_020); // moving up: page 499 is in view now, 498 and 497 ahead
  await settle();
  assert.equal(log.reads, [
    { after: 499_000, limit: 1000 },
    { after: 498_000, limit: 1000 },
    { after: 497_000, limit: 1000 },
  ]);
});

test('keeps a bounded number of pages however far the reader scrolls', async () => {
  const { fetch } = fakeLog(1_000_000);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 1000, maxPages: 6 });
  window.setTotal(1_000_000);
  for (let row = 0; row < 1_000_000; row += 37_000) {
    window.show(row, row + 40);
    await settle();
    assert.ok(window.row(row), `row ${row} loaded`);
    assert.ok(window.pagesHeld <= 6, `${window.pagesHeld} pages held`);
  }
});

test('live entries extend the tail; an omitted range is read when the reader looks at it', async () => {
  const { log, fetch } = fakeLog(1500);
  let changes = 0;
  const window = new LogWindow({ fetch, onChange: () => changes++, pageSize: 1000 });
  window.setTotal(1500);
  window.show(1400, 1499);
  await settle();
  assert.is(window.row(1499)?.seq, 1500);
  log.count = 1600;
  window.append([entry(1501), entry(1502)]);
  assert.is(window.rowCount, 1502);
  assert.is(window.row(1501)?.seq, 1502);
  // The stream leaves out 1503..1580 and carries 1581..1600.
  window.append(Array.from({ length: 20 }, (_, i) => entry(1581 + i)), { after: 1502, upTo: 1580 });
  assert.is(window.rowCount, 1600);
  assert.is(window.row(1590), undefined, 'not contiguous: not kept');
  const reads = log.reads.length;
  window.show(1500, 1599);
  await settle();
  assert.equal(log.reads[reads], { after: 1502, limit: 498 }, 'continues the page from its last entry');
  assert.is(window.row(1599)?.seq, 1600);
  assert.ok(changes > 0);
});

test('a level filter walks the list by cursor and finds its end', async () => {
  const { log, fetch } = fakeLog(10_000);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 1000 });
  window.setTotal(10_000);
  window.setLevels(['error']); // every fifth entry: 2,000 rows
  assert.ok(!window.exact);
  assert.is(window.rowCount, 1000, 'one page to read');
  window.show(0, 30);
  await settle();
  assert.is(window.row(0)?.seq, 4);
  assert.is(window.rowCount, 2000, 'a full page: the next one may exist');
  window.show(1990, 1999);
  await settle();
  assert.equal(log.reads.at(-1), { after: 4999, limit: 1000, levels: ['error'] });
  assert.is(window.rowCount, 3000);
  window.show(2000, 2010);
  await settle();
  assert.ok(window.exact);
  assert.is(window.rowCount, 2000);
  // Live entries that match extend the end; others do not.
  window.append([entry(10_001), entry(10_002), entry(10_003), entry(10_004), entry(10_005)]);
  assert.is(window.rowCount, 2001);
  assert.is(window.row(2000)?.seq, 10_004);
  // Entries sent again (a live stream resumed from before what is shown) are not shown twice.
  window.append([entry(10_004), entry(10_005), entry(10_006), entry(10_009)]);
  assert.is(window.rowCount, 2002);
  assert.equal([window.row(2000)?.seq, window.row(2001)?.seq], [10_004, 10_009]);
  // Back to everything: seq-addressed again.
  window.setLevels(['debug', 'info', 'warn', 'error']);
  assert.ok(!window.filtered);
  assert.is(window.rowCount, 10_009);
});

test('no level selected shows nothing; stale reads after a filter change are dropped', async () => {
  const { fetch } = fakeLog(100);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 50 });
  window.setTotal(100);
  window.show(0, 20);
  window.setLevels([]);
  await settle();
  assert.is(window.rowCount, 0);
  assert.is(window.pagesHeld, 0);
});

test('a page read again while its first read is under way is not asked for once it is full (no limit=0)', async () => {
  const { log, fetch } = fakeLog(10_000);
  const window = new LogWindow({ fetch, onChange: () => {}, pageSize: 1000 });
  window.setTotal(10_000);
  window.show(0, 30);
  window.show(0, 30); // a second render before the first reads came back
  await settle();
  assert.ok(log.reads.every((read) => read.limit > 0), JSON.stringify(log.reads));
  assert.equal(log.reads.map((read) => read.after), [0, 1000, 2000]);
});

test.run();
