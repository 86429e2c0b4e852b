// The database may restart mid-run (issue 12, item 2): every connection of the workbench is
// ended by the server (57P01, what a restart says) several times while a run logs 300,000
// lines; the run completes and every row is there, in order. A database away for longer
// than the bound fails the run naming it, and the workbench lives on.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createScratchSchema, requirePostgresUrl } from '../../helpers/databases.ts';
import { withKernel } from '../../helpers/kernel.ts';
import { until } from '../../helpers/until.ts';
import { startTcpProxy } from '../../helpers/tcp-proxy.ts';
import { openDatabase } from '../../../storage/open-database.ts';

const url = requirePostgresUrl('run kernel: a database that restarts');
const LINES = 300_000;

if (url) {
  const test = suite('run kernel: a database that restarts');

  /** A database of our own, whose connections carry a name we can end them by. */
  async function withNamedDatabase(fn: (database: Awaited<ReturnType<typeof openDatabase>>, terminate: () => Promise<number>) => Promise<void>) {
    const name = `athanor_restart_${randomBytes(4).toString('hex')}`;
    const schema = await createScratchSchema(url!);
    const named = new URL(schema.url);
    named.searchParams.set('application_name', name);
    const database = await openDatabase(named.toString());
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const terminate = async () =>
      (await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`, [name])).rowCount ?? 0;
    const crashes: unknown[] = [];
    const onCrash = (error: unknown) => crashes.push(error instanceof Error ? error.stack : error);
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      await fn(database, terminate);
      assert.equal(crashes, [], 'nothing escaped to the process');
    } finally {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      await admin.end();
      await database.close();
      await schema.drop();
    }
  }

  test(`connections ended five times during a ${LINES.toLocaleString('en')}-line run: it completes with every row, in order`, async () => {
    await withNamedDatabase(async (database, terminate) => {
      await withKernel(database, async ({ startRun, supervisor }) => {
        const run = await startRun({ mode: 'log_many', count: LINES });
        let ended = 0;
        for (let cut = 0; cut < 5; cut++) {
          await new Promise((resolve) => setTimeout(resolve, 400));
          ended += await terminate();
        }
        const final = await supervisor.waitFor(run.id);
        assert.ok(ended >= 5, `connections ended: ${ended}`);
        assert.is(final.status, 'completed', final.error ?? '');
        const rows = await database.db.selectFrom('run_logs').select(['seq', 'message']).where('run_id', '=', run.id).orderBy('seq').execute();
        assert.is(rows.length, LINES + 1, 'every line, once');
        assert.ok(rows.every((row, i) => row.seq === i + 1), 'seq has no gap');
        assert.is(rows[0]!.message, 'mode log_many');
        assert.ok(rows.slice(1).every((row, i) => row.message === `entry ${i + 1}`), 'in order');
        assert.is(final.logCount, LINES + 1);
      });
    });
  });

  test('a database away for longer than the bound fails the run naming it; the workbench lives on and records it once back', async () => {
    const schema = await createScratchSchema(url!);
    const target = new URL(url!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(schema.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const database = await openDatabase(viaProxy.toString());
    try {
      await withKernel(
        database,
        async ({ startRun, supervisor, service }) => {
          const run = await startRun({ mode: 'log_many', count: 5_000_000 });
          await new Promise((resolve) => setTimeout(resolve, 500));
          await proxy.stop(); // Postgres is "down": connections reset, new ones refused
          const final = await supervisor.waitFor(run.id);
          assert.is(final.status, 'failed');
          assert.match(final.error!, 'the database was unavailable for more than 1 s');
          await proxy.start();
          await until(async () => (await service.getRun(run.id)).status === 'failed', 'the failure recorded once the database is back');
        },
        { databaseOutageMs: 1_000 },
      );
    } finally {
      await proxy.start().catch(() => {});
      await database.close();
      await proxy.close();
      await schema.drop();
    }
  });

  test.run();
}
