/** Batched log and result inserts keep every value exactly, on every backend. */
import * as assert from 'uvu/assert';
import { insertLogRows, insertResultRows } from '../../storage/bulk-insert.ts';
import type { LogLevel, NewRunLogRow, NewRunResultRow } from '../../storage/database-schema.ts';
import { suiteForEachBackend } from '../helpers/databases.ts';
import { seedRun } from '../helpers/storage-rows.ts';

const MIB = 'é'.repeat(512 * 1024); // 1 MiB of UTF-8

/** Messages that break naive escaping: quotes, backslashes, array and literal syntax. */
const MESSAGES = [
  'plain',
  'unicode ünïcødé 中文 עברית',
  'emoji 😀👩‍🔬🧪',
  `quotes ' '' " "" \` `,
  'backslashes \\ \\\\ \\n \\" \\\' C:\\tmp\\new',
  'array syntax {a,b} {"x"} NULL null',
  'placeholders $1 $2 $$ :1 ?',
  '\\N',
  'copy syntax \\N \\. \t\\t |,;',
  'newlines\nand\ttabs\r\n',
  '',
  MIB,
];

/** JSON texts of every shape, as the service writes them (`JSON.stringify`). */
const VALUES: unknown[] = [
  { iteration: 1, value: 0.123456789 },
  'a JSON string with "quotes" and \\ and 😀',
  42,
  -1.5e-7,
  1e300,
  true,
  null,
  [1, 'two', { three: [3] }, null],
  [],
  {},
  { nested: { deep: { deeper: ['x', { y: 'z' }] } }, 'key with spaces': 1, 'ключ': 'значение' },
  { big: MIB },
  MIB,
  '$1 {a,b} NULL',
];

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

suiteForEachBackend('bulk insert', (test, database, backend) => {
  /** More rows than one statement takes: 1,000 on pg-mem, 10,000 with unnest. */
  const manyRows = backend === 'memory' ? 1_500 : 12_000;

  test('log rows round-trip exactly', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const base = Date.UTC(2024, 1, 29, 23, 59, 59, 0);
    const rows: NewRunLogRow[] = [];
    MESSAGES.forEach((message, i) => {
      const metadata = i % 3 === 0 ? null : JSON.stringify(VALUES[(i * 5) % VALUES.length]);
      const at = new Date(base + i * 1_001);
      rows.push({ run_id: runId, seq: i + 1, level: LEVELS[i % 4]!, message, metadata, timestamp: i % 2 ? at : at.toISOString() });
    });
    VALUES.forEach((value, i) => {
      rows.push({ run_id: runId, seq: rows.length + 1, level: 'info', message: `v${i}`, metadata: JSON.stringify(value), timestamp: new Date(base) });
    });
    assert.is(await insertLogRows(handle, rows), rows.length);

    const back = await handle.db.selectFrom('run_logs').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
    assert.is(back.length, rows.length);
    back.forEach((row, i) => {
      const sent = rows[i]!;
      assert.is(row.seq, sent.seq);
      assert.is(row.level, sent.level);
      assert.ok(row.message === sent.message, `message of seq ${sent.seq} changed`);
      assert.equal(row.metadata, sent.metadata === null ? null : JSON.parse(sent.metadata!), `metadata of seq ${sent.seq}`);
      assert.instance(row.timestamp, Date);
      assert.is(row.timestamp.getTime(), new Date(sent.timestamp).getTime());
    });
  });

  test('result rows round-trip exactly, JSON of every shape', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const at = new Date('2024-05-06T07:08:09.123Z');
    const rows: NewRunResultRow[] = VALUES.map((value, i) => ({
      run_id: runId,
      seq: i + 1,
      key: MESSAGES[i % MESSAGES.length] === MIB ? 'big key' : `key ${MESSAGES[i % MESSAGES.length]}`,
      value: JSON.stringify(value),
      recorded_at: i % 2 ? at : at.toISOString(),
    }));
    assert.is(await insertResultRows(handle, rows), rows.length);

    const back = await handle.db.selectFrom('run_results').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
    assert.is(back.length, rows.length);
    back.forEach((row, i) => {
      assert.is(row.key, rows[i]!.key);
      assert.equal(row.value, VALUES[i], `value ${i}`);
      assert.is(row.recorded_at.getTime(), at.getTime());
    });
  });

  test('more rows than one statement takes are all kept, in order', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const now = new Date();
    const rows = Array.from({ length: manyRows }, (_, i): NewRunLogRow => ({
      run_id: runId, seq: i + 1, level: 'info', message: `row ${i + 1}`, metadata: `{"i":${i + 1}}`, timestamp: now,
    }));
    await insertLogRows(handle, rows);
    const back = await handle.db.selectFrom('run_logs').select(['seq', 'message', 'metadata']).where('run_id', '=', runId).orderBy('seq').execute();
    assert.is(back.length, manyRows);
    assert.equal(back[manyRows - 1], { seq: manyRows, message: `row ${manyRows}`, metadata: { i: manyRows } });
  });

  test('a batch with one bad row writes nothing', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const now = new Date();
    const rows = Array.from({ length: manyRows }, (_, i): NewRunLogRow => ({
      run_id: runId, seq: i + 1, level: 'info', message: 'm', metadata: null, timestamp: now,
    }));
    rows.push({ ...rows[0]! }); // a repeated (run_id, seq), in the last statement
    try {
      await insertLogRows(handle, rows);
      assert.unreachable('the duplicate was accepted');
    } catch (error) {
      assert.match((error as Error).message, /duplicate key|unique/i);
    }
    assert.equal(await handle.db.selectFrom('run_logs').select('seq').where('run_id', '=', runId).execute(), []);
  });

  test('inside a caller\'s transaction, rolled back with it', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const row: NewRunResultRow = { run_id: runId, seq: 1, key: 'k', value: '1', recorded_at: new Date() };
    await handle.db.transaction().execute((trx) => insertResultRows({ kind: handle.kind, db: trx }, [row]));
    try {
      await handle.db.transaction().execute(async (trx) => {
        await insertResultRows({ kind: handle.kind, db: trx }, [{ ...row, seq: 2 }]);
        throw new Error('abandon');
      });
    } catch (error) {
      assert.is((error as Error).message, 'abandon');
    }
    assert.equal(await handle.db.selectFrom('run_results').select('seq').where('run_id', '=', runId).execute(), [{ seq: 1 }]);
  });

  test('a bad batch in a caller\'s transaction fails it, and the database goes on', async () => {
    const handle = database();
    const { runId } = await seedRun(handle.db);
    const row: NewRunLogRow = { run_id: runId, seq: 1, level: 'info', message: 'm', metadata: null, timestamp: new Date() };
    try {
      await handle.db.transaction().execute(async (trx) => {
        await insertLogRows({ kind: handle.kind, db: trx }, [row]);
        await insertLogRows({ kind: handle.kind, db: trx }, [{ ...row, seq: 2 }, { ...row, seq: 3, level: 'loud' as never }]);
      });
      assert.unreachable('the bad level was accepted');
    } catch (error) {
      assert.match((error as Error).message, /check constraint|run_logs_level_check/i);
    }
    await insertLogRows(handle, [{ ...row, seq: 4 }]);
    assert.equal(await handle.db.selectFrom('run_logs').select('seq').where('run_id', '=', runId).execute(), [{ seq: 4 }]);
  });

  test('an empty batch is no statement at all', async () => {
    assert.is(await insertLogRows(database(), []), 0);
    assert.is(await insertResultRows(database(), []), 0);
  });
});
