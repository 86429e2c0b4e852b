/**
 * Instance history on every backend: the service writes a version on create and on each
 * change, runs record the version they were created from, versions go with their
 * instance, and migration 0003 gives the instances of an older database their version 1.
 */
import { randomUUID } from 'node:crypto';
import * as assert from 'uvu/assert';
import { InputError, NotFoundError } from '../../core/errors.ts';
import { createExperimentsService } from '../../core/experiments-service.ts';
import { migrateToLatest, pendingMigrations } from '../../storage/migrator.ts';
import { migrations } from '../../storage/migrations/index.ts';
import { suiteForEachBackend, withTestDatabase } from '../helpers/databases.ts';
import { definitionTable, minimalDefinition } from '../helpers/experiment-definitions.ts';
import { insertInstance, insertRun } from '../helpers/storage-rows.ts';

async function rejects(promise: Promise<unknown>, type: new (...args: any[]) => Error, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, type, String(error));
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name}`);
}

suiteForEachBackend('instance versions', (test, database, backend) => {
  const service = () => createExperimentsService({ database: database(), definitions: definitionTable(minimalDefinition).lookup });
  const versionRows = (instanceId: string) =>
    database().db.selectFrom('instance_versions').selectAll().where('instance_id', '=', instanceId).orderBy('version').execute();

  test('creating an instance writes version 1 with its state', async () => {
    const instance = await service().createInstance({ experiment: 'my_experiment', name: 'Base', description: 'first', configuration: { iterations: 3 } });
    assert.is(instance.version, 1);
    const rows = await versionRows(instance.id);
    assert.equal(
      rows.map((row) => [row.version, row.name, row.description, row.configuration]),
      [[1, 'Base', 'first', { iterations: 3, model: 'small', sampling: { temperature: 0.7 } }]],
    );
    assert.is(rows[0]!.created_at.toISOString(), instance.createdAt);
  });

  test('each change writes the next version; saving the same values writes none', async () => {
    const s = service();
    const instance = await s.createInstance({ experiment: 'my_experiment', name: 'Base', configuration: {} });
    const tuned = await s.updateInstance(instance.id, { configuration: { iterations: 4, sampling: { temperature: 1.2 } } });
    assert.is(tuned.version, 2);
    const renamed = await s.updateInstance(instance.id, { name: 'Renamed', description: 'notes' });
    assert.is(renamed.version, 3);
    // What the editor sends on Save without a change: every field, the same values.
    const same = await s.updateInstance(instance.id, { name: 'Renamed', description: 'notes', configuration: renamed.configuration });
    assert.is(same.version, 3);
    assert.is(same.updatedAt, renamed.updatedAt);

    const page = await s.listInstanceVersions(instance.id);
    assert.equal(page.items.map((v) => [v.version, v.name, v.description, v.configuration.iterations]), [
      [3, 'Renamed', 'notes', 4],
      [2, 'Base', null, 4],
      [1, 'Base', null, 10],
    ]);
    assert.is(page.next, null);
    assert.equal((await s.getInstanceVersion(instance.id, 2)).configuration, { iterations: 4, model: 'small', sampling: { temperature: 1.2 } });
    assert.is((await s.getInstanceVersion(instance.id, 3)).createdAt, renamed.updatedAt);
  });

  test('a refused change writes no version', async () => {
    const s = service();
    const instance = await s.createInstance({ experiment: 'my_experiment', name: 'Base', configuration: {} });
    await s.createInstance({ experiment: 'my_experiment', name: 'Taken', configuration: {} });
    await s.updateInstance(instance.id, { configuration: { iterations: 0 } }).catch(() => {});
    await s.updateInstance(instance.id, { name: 'Taken' }).catch(() => {});
    assert.is((await s.getInstance(instance.id)).version, 1);
    assert.is((await versionRows(instance.id)).length, 1);
  });

  test('a clone starts its own history at 1; runs record the version they were created from', async () => {
    const s = service();
    const original = await s.createInstance({ experiment: 'my_experiment', name: 'Base', configuration: {} });
    const before = await s.createRun(original.id);
    await s.updateInstance(original.id, { configuration: { iterations: 9 } });
    const after = await s.createRun(original.id);
    assert.equal([before.instanceVersion, after.instanceVersion], [1, 2]);
    assert.is((await s.getRun(before.id)).instanceVersion, 1);
    assert.equal((await s.listRuns(original.id)).items.map((run) => run.instanceVersion), [2, 1]);

    const clone = await s.cloneInstance(original.id);
    assert.is(clone.version, 1);
    assert.equal((await s.listInstanceVersions(clone.id)).items.map((v) => [v.version, v.configuration.iterations]), [[1, 9]]);
  });

  test('versions page newest first; bad pages and versions are refused by name', async () => {
    const s = service();
    const instance = await s.createInstance({ experiment: 'my_experiment', name: 'Paged', configuration: {} });
    for (let i = 2; i <= 5; i++) await s.updateInstance(instance.id, { configuration: { iterations: i } });
    const first = await s.listInstanceVersions(instance.id, { limit: 2 });
    const second = await s.listInstanceVersions(instance.id, { limit: 2, cursor: first.next });
    const third = await s.listInstanceVersions(instance.id, { limit: 2, cursor: second.next });
    assert.equal([...first.items, ...second.items, ...third.items].map((v) => v.version), [5, 4, 3, 2, 1]);
    assert.is(third.next, null);
    await rejects(s.listInstanceVersions(instance.id, { cursor: 'garbage' }), InputError, /cursor "garbage" is not one this server gave/);
    await rejects(s.listInstanceVersions(instance.id, { limit: 0 }), InputError, /limit must be a whole number from 1 to 500, got 0/);
    await rejects(s.getInstanceVersion(instance.id, 0), InputError, /version must be a whole number from 1 to 2147483647, got 0/);
    await rejects(s.getInstanceVersion(instance.id, 6), NotFoundError, /has no version 6: its versions are 1 to 5/);
    await rejects(s.listInstanceVersions(randomUUID()), NotFoundError, /not found/);
    await rejects(s.getInstanceVersion(randomUUID(), 1), NotFoundError, /not found/);
  });

  test('deleting an instance deletes its versions, and no other instance\'s', async () => {
    const s = service();
    const gone = await s.createInstance({ experiment: 'my_experiment', name: 'Gone', configuration: {} });
    const kept = await s.createInstance({ experiment: 'my_experiment', name: 'Kept', configuration: {} });
    await s.updateInstance(gone.id, { configuration: { iterations: 2 } });
    await s.deleteInstance(gone.id);
    assert.equal(await versionRows(gone.id), []);
    assert.is((await versionRows(kept.id)).length, 1);
  });

  test('a version number is unique per instance and at least 1', async () => {
    const s = service();
    const instance = await s.createInstance({ experiment: 'my_experiment', name: 'Keyed', configuration: {} });
    const row = { instance_id: instance.id, name: 'x', description: null, configuration: '{}', created_at: new Date() };
    await rejects(database().db.insertInto('instance_versions').values({ ...row, version: 1 }).execute(), Error, /duplicate key|unique|already exists/i);
    await rejects(database().db.insertInto('instance_versions').values({ ...row, version: 0 }).execute(), Error, /check constraint|instance_versions_version_check/i);
    await rejects(database().db.insertInto('instance_versions').values({ ...row, instance_id: randomUUID(), version: 1 }).execute(), Error, /foreign key/i);
  });

  test('migrating a database at 0001 gives each instance version 1 of its state; older runs no version', async () => {
    await withTestDatabase(
      backend,
      async ({ db }) => {
        const outcome = await migrateToLatest(db, { migrations: { '0001-initial': migrations['0001-initial']! } });
        assert.equal(outcome, { applied: ['0001-initial'] });
        const edited = new Date('2025-03-04T05:06:07.000Z');
        const a = await insertInstance(db, 'a');
        const b = await insertInstance(db, 'b');
        await db.updateTable('instances').set({ configuration: '{"iterations":4}', description: 'tuned', updated_at: edited }).where('id', '=', b).execute();
        const run = await insertRun(db, b, 'completed');

        // From 0001 straight to the latest, as an old workbench's database is upgraded.
        const later = Object.keys(migrations).filter((name) => name !== '0001-initial').sort();
        assert.ok(later.includes('0003-instance-versions'));
        assert.equal(await pendingMigrations(db), later);
        const migrated = await migrateToLatest(db);
        assert.equal(migrated.applied, later, String(migrated.error?.stack));

        const instances = await db.selectFrom('instances').select(['id', 'version']).orderBy('name').execute();
        assert.equal(instances, [{ id: a, version: 1 }, { id: b, version: 1 }]);
        const versions = await db.selectFrom('instance_versions').selectAll().where('instance_id', '=', b).execute();
        assert.equal(
          versions.map((v) => [v.version, v.name, v.description, v.configuration, v.created_at.toISOString()]),
          [[1, 'b', 'tuned', { iterations: 4 }, edited.toISOString()]],
        );
        assert.is((await db.selectFrom('instance_versions').select('instance_id').where('instance_id', '=', a).execute()).length, 1);
        const runRow = await db.selectFrom('runs').select('instance_version').where('id', '=', run).executeTakeFirstOrThrow();
        assert.is(runRow.instance_version, null);
      },
      { migrate: false },
    );
  });
});
