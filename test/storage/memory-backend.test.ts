/**
 * The pg-mem backend's own driver (see memory-backend.ts): values bound exactly,
 * transactions that roll back, savepoints, one caller at a time, Kysely's migration lock.
 */
import { sql } from 'kysely';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryBackend } from '../../storage/backends/memory-backend.ts';
import { migrateToLatest } from '../../storage/migrator.ts';
import { insertInstance } from '../helpers/storage-rows.ts';

const test = suite('memory backend');
let db = createMemoryBackend();

test.before.each(async () => {
  db = createMemoryBackend();
  const { error } = await migrateToLatest(db);
  if (error) throw error;
});

test.after.each(async () => {
  await db.destroy();
});

test('text that pg-mem\'s own adapter mangles is stored as given', async () => {
  const awkward = [`a\\b "c" 'd'`, `E'x'`, `$1 $2`, `\\x41`, `{"a":"\\""}`, `😀\n\t`, `''`, `\\`];
  for (const value of awkward) {
    const { rows } = await sql<{ value: string }>`select ${value}::text as value`.execute(db);
    assert.is(rows[0]!.value, value);
  }
  const id = await insertInstance(db, awkward.join(' | '));
  const row = await db.selectFrom('instances').select('name').where('id', '=', id).executeTakeFirstOrThrow();
  assert.is(row.name, awkward.join(' | '));
});

test('numbers, booleans, dates, nulls and arrays bind as parameters', async () => {
  const at = new Date('2024-01-01T00:00:00.001Z');
  const { rows } = await sql<Record<string, unknown>>`
    select ${42}::int as i, ${1.5}::double precision as f, ${true}::bool as b, ${at}::timestamptz as t, ${null}::text as n`.execute(db);
  assert.equal(rows[0], { i: 42, f: 1.5, b: true, t: at, n: null });
});

test('a rolled-back transaction leaves nothing behind', async () => {
  await insertInstance(db, 'kept');
  try {
    await db.transaction().execute(async (trx) => {
      await insertInstance(trx, 'dropped');
      await trx.updateTable('instances').set({ description: 'changed' }).execute();
      throw new Error('abandon');
    });
  } catch (error) {
    assert.is((error as Error).message, 'abandon');
  }
  const rows = await db.selectFrom('instances').select(['name', 'description']).execute();
  assert.equal(rows, [{ name: 'kept', description: null }]);
});

test('savepoints roll back to where they were taken', async () => {
  const trx = await db.startTransaction().execute();
  await insertInstance(trx, 'outer');
  const inner = await trx.savepoint('inner').execute();
  await insertInstance(inner, 'inner');
  const after = await inner.rollbackToSavepoint('inner').execute();
  await insertInstance(after, 'after');
  await after.commit().execute();
  const names = await db.selectFrom('instances').select('name').orderBy('name').execute();
  assert.equal(names, [{ name: 'after' }, { name: 'outer' }]);
});

test('a transaction has the connection to itself until it ends', async () => {
  const order: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const transaction = db.transaction().execute(async (trx) => {
    await insertInstance(trx, 'in transaction');
    order.push('transaction wrote');
    await held;
    order.push('transaction ends');
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  const outside = db.selectFrom('instances').select('name').execute().then((rows) => {
    order.push('outside read');
    return rows;
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  release();
  await transaction;
  assert.equal(await outside, [{ name: 'in transaction' }]);
  assert.equal(order, ['transaction wrote', 'transaction ends', 'outside read']);
});

test('advisory locks, set_config and gen_random_uuid exist', async () => {
  const { rows } = await sql<{ id: string }>`
    select pg_advisory_xact_lock(1), pg_advisory_lock(2), pg_advisory_unlock(2), set_config('a', 'b', true), gen_random_uuid() as id`.execute(db);
  assert.match(rows[0]!.id, /^[0-9a-f-]{36}$/);
});

test.run();
