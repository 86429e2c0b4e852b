// A Postgres connection lost mid-query (a server restart says 57P01 to every client) never
// ends the workbench's process: pg emits `error` on a checked-out client, which had no
// listener (issue 12, item 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { sql } from 'kysely';
import { createScratchSchema, requirePostgresUrl } from '../helpers/databases.ts';
import { openDatabase } from '../../storage/open-database.ts';

const url = requirePostgresUrl('postgres: a lost connection');
if (url) {
  const test = suite('postgres: a lost connection');
  test('terminating the backends of busy clients fails their queries and leaves the process alive', async () => {
    const schema = await createScratchSchema(url);
    const database = await openDatabase(schema.url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onCrash);
    try {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db);
      // Two clients in a query, one idle inside a transaction (as the run writer waits for the batch before).
      const busy = [1, 2].map(() => sql`select pg_sleep(5)`.execute(database.db).then(() => 'done', (error: Error) => error.message));
      busy.push(
        database.db
          .transaction()
          .execute(async (trx) => {
            await sql`select 'idle in transaction'`.execute(trx);
            await new Promise((resolve) => setTimeout(resolve, 1500));
            await sql`select 1`.execute(trx);
          })
          .then(() => 'done', (error: Error) => error.message),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where (query like 'select pg_sleep%' or query like 'select ''idle in%') and pid <> pg_backend_pid()`,
      );
      const outcomes = await Promise.all(busy);
      assert.ok(outcomes.every((outcome) => outcome !== 'done'), JSON.stringify(outcomes));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(crashes, [], 'nothing reached the process');
      // The pool opens new connections afterwards.
      const again = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      assert.is(again.rows[0]!.one, 1);
      assert.ok(rows[0]!.pid > 0);
    } finally {
      process.off('uncaughtException', onCrash);
      await admin.end();
      await database.close();
      await schema.drop();
    }
  });
  test.run();
}
