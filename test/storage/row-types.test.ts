/**
 * What the service layer reads back is the same type on every backend: jsonb parsed,
 * timestamptz a Date, count(*) and sums numbers (node-postgres alone would give strings).
 */
import { sql } from 'kysely';
import * as assert from 'uvu/assert';
import { suiteForEachBackend } from '../helpers/databases.ts';
import { seedRun } from '../helpers/storage-rows.ts';

suiteForEachBackend('row types', (test, database) => {
  test('count(*), sum and avg are numbers', async () => {
    const { db } = database();
    await seedRun(db);
    await seedRun(db);
    const row = await db
      .selectFrom('runs')
      .select((eb) => [
        eb.fn.countAll().as('count'),
        eb.fn.sum('log_count').as('sum'),
        sql<number>`avg(result_count + 1)`.as('avg'),
        sql<number>`count(*) filter (where status = 'running')`.as('running'),
      ])
      .executeTakeFirstOrThrow();
    assert.equal(row, { count: 2, sum: 0, avg: 1, running: 2 });
    assert.is(typeof row.count, 'number');
  });

  test('jsonb comes back parsed, timestamptz as Date, integers as numbers', async () => {
    const { db } = database();
    const { runId } = await seedRun(db);
    const at = new Date('2024-01-02T03:04:05.678Z');
    await db
      .updateTable('runs')
      .set({ progress: JSON.stringify({ current: 1, total: 2, message: 'half' }), started_at: at, log_count: 7 })
      .where('id', '=', runId)
      .execute();
    const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    assert.equal(run.progress, { current: 1, total: 2, message: 'half' });
    assert.equal(run.options, {});
    assert.instance(run.started_at, Date);
    assert.is(run.started_at!.getTime(), at.getTime());
    assert.is(run.completed_at, null);
    assert.is(run.log_count, 7);
  });

  test('returning gives the updated counter as a number', async () => {
    const { db } = database();
    const { runId } = await seedRun(db);
    const row = await db
      .updateTable('runs')
      .set((eb) => ({ log_count: eb('log_count', '+', 1000) }))
      .where('id', '=', runId)
      .returning('log_count')
      .executeTakeFirstOrThrow();
    assert.is(row.log_count, 1000);
  });
});
