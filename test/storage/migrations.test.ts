/** The migrations make the same schema, with the same rules, on every backend. */
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import * as assert from 'uvu/assert';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import { suite } from 'uvu';
import { createMemoryBackend } from '../../storage/backends/memory-backend.ts';
import { assertMigrated, migrateNewDatabase, migrateToLatest, pendingMigrations } from '../../storage/migrator.ts';
import { migrations } from '../../storage/migrations/index.ts';
import { MigrationError } from '../../storage/storage-errors.ts';
import { openTestDatabase, requirePostgresUrl, suiteForEachBackend } from '../helpers/databases.ts';
import { insertInstance, insertRun, seedRun } from '../helpers/storage-rows.ts';

const COLUMNS: Record<string, string[]> = {
  instances: ['configuration', 'created_at', 'description', 'experiment', 'id', 'name', 'updated_at', 'version'],
  instance_versions: ['configuration', 'created_at', 'description', 'instance_id', 'name', 'version'],
  runs: [
    'agent', 'attempt', 'code_hash', 'code_snapshot', 'completed_at', 'configuration', 'configuration_inferred', 'created_at', 'environment', 'error',
    'heartbeat_at', 'id', 'instance_id', 'instance_version', 'log_count', 'options', 'owner', 'progress', 'rerun_of', 'result_count',
    'retries', 'retry_of', 'started_at', 'status', 'worker',
  ],
  workers: ['concurrency', 'heartbeat_at', 'job_workers', 'name', 'owner', 'started_at'],
  code_snapshots: ['bytes', 'created_at', 'entry', 'files', 'hash', 'note'],
  code_diffs: ['commit', 'diff', 'snapshot_hash'],
  run_logs: ['level', 'message', 'metadata', 'run_id', 'seq', 'timestamp'],
  run_results: ['key', 'recorded_at', 'run_id', 'seq', 'value'],
  run_metrics: ['count', 'key', 'run_id', 'seq', 'value'],
  run_points: ['key', 'recorded_at', 'run_id', 'step', 'value'],
  run_point_blocks: ['block', 'first_at', 'key', 'max_step', 'max_value', 'min_step', 'min_value', 'run_id'],
  agent_actions: ['arguments', 'at', 'client', 'detail', 'id', 'outcome', 'tool'],
};

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.match(String((error as Error).message), pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

async function count(db: Kysely<DatabaseSchema>, table: keyof DatabaseSchema): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

suiteForEachBackend('migrations', (test, database, backend) => {
  test('create every table with its columns', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema()`.execute(database().db);
    for (const [table, columns] of Object.entries(COLUMNS)) {
      const found = rows.filter((row) => row.table_name === table).map((row) => row.column_name).sort();
      assert.equal(found, columns, table);
    }
  });

  test('running them again applies nothing', async () => {
    const { db } = database();
    assert.equal(await migrateToLatest(db), { applied: [] });
    assert.equal(await migrateToLatest(db), { applied: [] });
    assert.equal(await pendingMigrations(db), []);
    await assertMigrated(db);
  });

  if (backend !== 'memory') {
    // (The memory backend is new at every open: migrateNewDatabase, no check.)
    test('an up-to-date database is found so in one statement, without the Migrator\'s lock and bookkeeping', async () => {
      const statements: string[] = [];
      const counted = database().db.withPlugin({
        transformQuery: ({ node }) => (statements.push(node.kind), node),
        transformResult: async ({ result }) => result,
      });
      assert.equal(await migrateToLatest(counted), { applied: [] });
      assert.is(statements.length, 1, statements.join(', '));
    });
  }

  test('runs and instances take their defaults', async () => {
    const { db } = database();
    const { runId } = await seedRun(db);
    const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    assert.equal(run.options, {});
    assert.is(run.log_count, 0);
    assert.is(run.result_count, 0);
    assert.is(run.progress, null);
    assert.instance(run.created_at, Date);
    assert.equal([run.attempt, run.retries, run.retry_of], [1, 0, null]);
  });

  test('a run is retried at most once: retry_of is unique', async () => {
    const { db } = database();
    const { runId, instanceId } = await seedRun(db);
    const retry = () => insertRun(db, instanceId, 'pending').then((id) => db.updateTable('runs').set({ retry_of: runId, attempt: 2 }).where('id', '=', id).execute());
    await retry();
    await rejects(retry(), /unique|duplicate/i);
  });

  test('CHECK constraints refuse an unknown run status and log level', async () => {
    const { db } = database();
    const instanceId = await insertInstance(db);
    await rejects(insertRun(db, instanceId, 'paused' as never), /check constraint|runs_status_check/i);
    const runId = await insertRun(db, instanceId);
    const log = { run_id: runId, seq: 1, level: 'trace' as never, message: 'm', metadata: null, timestamp: new Date() };
    await rejects(db.insertInto('run_logs').values(log).execute(), /check constraint|run_logs_level_check/i);
  });

  test('instance names are unique per experiment', async () => {
    const { db } = database();
    await insertInstance(db, 'baseline', 'a');
    await insertInstance(db, 'baseline', 'b');
    await rejects(insertInstance(db, 'baseline', 'a'), /duplicate key|unique/i);
  });

  test('logs and results need their run; runs need their instance', async () => {
    const { db } = database();
    await rejects(insertRun(db, crypto.randomUUID()), /foreign key/i);
    const orphan = { run_id: crypto.randomUUID(), seq: 1, key: 'k', value: '1', recorded_at: new Date() };
    await rejects(db.insertInto('run_results').values(orphan).execute(), /foreign key/i);
  });

  test('(run_id, seq) is the key of logs and results', async () => {
    const { db } = database();
    const { runId } = await seedRun(db);
    const log = { run_id: runId, seq: 1, level: 'info' as const, message: 'm', metadata: null, timestamp: new Date() };
    await db.insertInto('run_logs').values(log).execute();
    await rejects(db.insertInto('run_logs').values(log).execute(), /duplicate key|unique/i);
  });

  test('deleting an instance deletes its runs, logs and results; deleting a run only its own', async () => {
    const { db } = database();
    const instanceId = await insertInstance(db);
    const [first, second] = [await insertRun(db, instanceId), await insertRun(db, instanceId)];
    const keep = await seedRun(db);
    for (const runId of [first, second, keep.runId]) {
      await db.insertInto('run_logs').values({ run_id: runId, seq: 1, level: 'info', message: 'm', metadata: '{}', timestamp: new Date() }).execute();
      await db.insertInto('run_results').values({ run_id: runId, seq: 1, key: 'k', value: '1', recorded_at: new Date() }).execute();
    }
    await db.deleteFrom('runs').where('id', '=', first).execute();
    assert.is(await count(db, 'run_logs'), 2);
    assert.is(await count(db, 'run_results'), 2);
    await db.deleteFrom('instances').where('id', '=', instanceId).execute();
    assert.is(await count(db, 'runs'), 1);
    assert.equal(await db.selectFrom('run_logs').select('run_id').execute(), [{ run_id: keep.runId }]);
    assert.equal(await db.selectFrom('run_results').select('run_id').execute(), [{ run_id: keep.runId }]);
  });

  if (backend !== 'memory') {
    test('the indexes exist', async () => {
      const { rows } = await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes where schemaname = current_schema() order by indexname`.execute(database().db);
      const definitions = Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef.replace(/^.* USING btree /, '')]));
      assert.is(definitions.runs_instance_id_created_at_idx, '(instance_id, created_at DESC)');
      assert.is(definitions.runs_status_idx, '(status)');
      assert.is(definitions.run_logs_pkey, '(run_id, seq)');
      assert.is(definitions.run_results_pkey, '(run_id, seq)');
      assert.is(definitions.run_results_run_id_key_seq_idx, '(run_id, key, seq)');
      assert.is(definitions.instances_experiment_name_key, '(experiment, name)');
      assert.is(definitions.instance_versions_pkey, '(instance_id, version)');
      assert.is(definitions.run_metrics_pkey, '(run_id, key)');
      assert.is(definitions.run_metrics_key_value_run_id_idx, '(key, value, run_id)');
      assert.is(definitions.run_points_pkey, '(run_id, key, step)');
      assert.is(definitions.run_point_blocks_pkey, '(run_id, key, block)');
      assert.is(definitions.runs_started_or_created_idx, '(COALESCE(started_at, created_at))');
      assert.is(definitions.agent_actions_at_id_idx, '(at DESC, id DESC)');
      assert.is(definitions.runs_retry_of, '(retry_of)');
    });

    // pg-mem has no window functions; a pg-mem database is always new, with nothing to backfill.
    test('0004 backfills metrics, points and blocks from the results before it; they go with their run', async () => {
      await using old = await openTestDatabase(backend, { migrate: false });
      const upTo0003 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0004'));
      await migrateToLatest(old.db, { migrations: upTo0003 });
      const { runId } = await seedRun(old.db);
      const values = ['3', '"text"', '2', '{"a":1}', '2', '0.5', 'null', '1e-29'];
      const at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq * 1000);
      await old.db.insertInto('run_results')
        .values([
          ...values.map((value, i) => ({ run_id: runId, seq: i + 1, key: 'loss', value, recorded_at: at(i + 1) })),
          ...Array.from({ length: 300 }, (_, i) => ({ run_id: runId, seq: 9 + i, key: 'acc', value: String(i === 290 ? -1 : i % 7), recorded_at: at(9 + i) })),
        ])
        .execute();
      // Up to 0004 only: later migrations are not this test's subject.
      const upTo0004 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0005'));
      assert.equal((await migrateToLatest(old.db, { migrations: upTo0004 })).applied, ['0004-run-metrics']);
      const points = await old.db.selectFrom('run_points').select(['step', 'value', 'recorded_at']).where('key', '=', 'loss').orderBy('step').execute();
      assert.equal(points.map((p) => [p.step, p.value, new Date(p.recorded_at).getTime()]), [
        [0, 3, at(1).getTime()], [1, 2, at(3).getTime()], [2, 2, at(5).getTime()], [3, 0.5, at(6).getTime()], [4, 1e-29, at(8).getTime()],
      ]);
      const metrics = await old.db.selectFrom('run_metrics').select(['key', 'value', 'seq', 'count']).orderBy('key').execute();
      assert.equal(metrics, [{ key: 'acc', value: 5, seq: 308, count: 300 }, { key: 'loss', value: 1e-29, seq: 8, count: 5 }]);
      const blocks = await old.db.selectFrom('run_point_blocks').select(['key', 'block', 'min_value', 'min_step', 'max_value', 'max_step']).orderBy('key').orderBy('block').execute();
      assert.equal(blocks, [
        { key: 'acc', block: 0, min_value: 0, min_step: 0, max_value: 6, max_step: 6 },
        { key: 'acc', block: 1, min_value: -1, min_step: 290, max_value: 6, max_step: 258 },
        { key: 'loss', block: 0, min_value: 1e-29, min_step: 4, max_value: 3, max_step: 0 },
      ]);
      await old.db.deleteFrom('runs').where('id', '=', runId).execute();
      for (const table of ['run_metrics', 'run_points', 'run_point_blocks'] as const) assert.is(await count(old.db, table), 0, table);
    });
  }

  test('0002 gives runs from before it their instance configuration, marked inferred; pending runs none', async () => {
    // A database at 0001 with a finished and a pending run.
    await using old = await openTestDatabase(backend, { migrate: false });
    assert.equal((await migrateToLatest(old.db, { migrations: { '0001-initial': migrations['0001-initial']! } })).applied, ['0001-initial']);
    const instanceId = await insertInstance(old.db);
    const finished = await insertRun(old.db, instanceId, 'completed');
    const pending = await insertRun(old.db, instanceId, 'pending');
    const upTo0002 = { '0001-initial': migrations['0001-initial']!, '0002-run-records': migrations['0002-run-records']! };
    assert.equal((await migrateToLatest(old.db, { migrations: upTo0002 })).applied, ['0002-run-records']);
    const rows = await old.db.selectFrom('runs').select(['id', 'configuration', 'configuration_inferred']).execute();
    const byId = Object.fromEntries(rows.map((row) => [row.id, row]));
    assert.equal(byId[finished]!.configuration, { iterations: 10 });
    assert.is(byId[finished]!.configuration_inferred, true);
    assert.is(byId[pending]!.configuration, null);
    assert.is(byId[pending]!.configuration_inferred, false);
  });

  test('a failing migration is reported, not thrown, and names itself', async () => {
    const { db } = database();
    // Named to sort after every real migration: Kysely refuses a pending one before an applied one.
    const broken = {
      ...migrations,
      '9999-broken': {
        async up(trx: Kysely<any>) {
          await trx.schema.createTable('half_done').addColumn('id', 'integer').execute();
          await sql`select * from no_such_table`.execute(trx);
        },
      },
    };
    const outcome = await migrateToLatest(db, { migrations: broken });
    assert.equal(outcome.applied, []);
    assert.instance(outcome.error, MigrationError);
    assert.is(outcome.error!.failed, '9999-broken');
    assert.match(outcome.error!.message, /^migration 9999-broken failed: .*no_such_table/);
    assert.equal(await pendingMigrations(db, { migrations: broken }), ['9999-broken']);
    if (backend !== 'memory') {
      // Transactional DDL: the half-done migration left nothing behind (pg-mem cannot undo DDL).
      const { rows } = await sql`select 1 from information_schema.tables where table_name = 'half_done'`.execute(db);
      assert.is(rows.length, 0);
    }
  });
});

const fresh = suite('a new memory database migrated at once (migrateNewDatabase)');

fresh('leaves the bookkeeping Kysely\'s Migrator leaves: the same tables, rows and lock', async () => {
  const [direct, stepwise] = [createMemoryBackend(), createMemoryBackend()];
  try {
    assert.equal((await migrateNewDatabase(direct)).applied, Object.keys(migrations).sort());
    assert.equal((await migrateToLatest(stepwise)).applied, Object.keys(migrations).sort());
    // (pg-mem's `like` misses rows of information_schema here: filtered in JavaScript.)
    const tables = (db: Kysely<any>) =>
      sql<{ table_name: string; column_name: string; data_type: string }>`select table_name, column_name, data_type from information_schema.columns`
        .execute(db)
        .then((r) => r.rows.filter((row) => row.table_name.startsWith('kysely')).sort((a, b) => `${a.table_name}.${a.column_name}`.localeCompare(`${b.table_name}.${b.column_name}`)));
    assert.equal(await tables(direct), await tables(stepwise));
    const names = (db: Kysely<any>) => db.selectFrom('kysely_migration').select('name').orderBy('timestamp').execute();
    assert.equal(await names(direct), await names(stepwise));
    const lock = (db: Kysely<any>) => db.selectFrom('kysely_migration_lock').selectAll().execute();
    assert.equal(await lock(direct), await lock(stepwise));
    assert.equal(await pendingMigrations(direct), []);
    assert.equal(await migrateToLatest(direct), { applied: [] });
  } finally {
    await Promise.all([direct.destroy(), stepwise.destroy()]);
  }
});

fresh('reports a failing migration by name, with the ones applied before it', async () => {
  const db = createMemoryBackend();
  try {
    const broken = {
      '0001-initial': migrations['0001-initial']!,
      '0002-broken': { up: (trx: Kysely<any>) => sql`select * from no_such_table`.execute(trx).then(() => {}) },
    };
    const outcome = await migrateNewDatabase(db, { migrations: broken });
    assert.equal(outcome.applied, ['0001-initial']);
    assert.instance(outcome.error, MigrationError);
    assert.is(outcome.error!.failed, '0002-broken');
    assert.match(outcome.error!.message, /^migration 0002-broken failed: .*no_such_table/);
  } finally {
    await db.destroy();
  }
});

fresh.run();

const sharedUrl = requirePostgresUrl('migrating on a server whose other schemas come and go');
if (sharedUrl) {
  const shared = suite('migrating on a server whose other schemas come and go');

  // Kysely's introspector read every schema, and threw when one was dropped mid-query
  // (13 of 30 opens failed while two sessions churned; a CI test's workbench once could not start).
  shared('another session dropping its schemas does not fail our migration check', async () => {
    await using database = await openTestDatabase('postgres');
    let churning = true;
    const churn = async (k: number) => {
      const client = new pg.Client({ connectionString: sharedUrl });
      await client.connect();
      for (let n = 0; churning; n++) {
        const schema = `athanor_churn_${process.pid}_${k}_${n}`;
        await client.query(`create schema ${schema}; create table ${schema}.t (id serial primary key, a text, b text)`);
        await client.query(`drop schema ${schema} cascade`);
      }
      await client.end();
    };
    const churners = [churn(1), churn(2)];
    try {
      for (let i = 0; i < 40; i++) assert.equal(await migrateToLatest(database.db), { applied: [] });
    } finally {
      churning = false;
      await Promise.all(churners);
    }
  });

  shared.run();
}
