/** The database spec (`--db`, `ATHANOR_DATABASE_URL`) and openDatabase's contract. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pendingMigrations, assertMigrated } from '../../storage/migrator.ts';
import {
  DEFAULT_DATABASE_SPEC,
  openDatabase,
  parseDatabaseSpec,
  redactUrl,
  resolveDatabaseSpec,
} from '../../storage/open-database.ts';
import { DatabaseSpecError, MigrationError } from '../../storage/storage-errors.ts';
import { postgresTestUrl, requirePostgresUrl, withSearchPath } from '../helpers/databases.ts';

const spec = suite('database spec');

spec('parses each accepted form', () => {
  assert.equal(parseDatabaseSpec('memory'), { kind: 'memory' });
  assert.equal(parseDatabaseSpec('pglite'), { kind: 'pglite', dir: '.athanor/db' });
  assert.equal(parseDatabaseSpec('pglite:/var/lib/athanor'), { kind: 'pglite', dir: '/var/lib/athanor' });
  assert.equal(parseDatabaseSpec('pglite:data/db'), { kind: 'pglite', dir: 'data/db' });
  assert.equal(parseDatabaseSpec('postgres://u@h:5432/db'), { kind: 'postgres', url: 'postgres://u@h:5432/db' });
  assert.equal(parseDatabaseSpec('postgresql://u:p@h/db?sslmode=disable'), {
    kind: 'postgres',
    url: 'postgresql://u:p@h/db?sslmode=disable',
  });
});

spec('an unknown spec names the value and the accepted forms', () => {
  for (const value of ['mysql://h/db', 'Memory', 'sqlite:x.db', '', 'pg://h/db']) {
    try {
      parseDatabaseSpec(value);
      assert.unreachable(`${value} was accepted`);
    } catch (error) {
      assert.instance(error, DatabaseSpecError);
      const { message, code } = error as DatabaseSpecError;
      assert.is(code, 'ERR_DATABASE_SPEC');
      assert.ok(message.includes(`"${value}"`), message);
      assert.match(message, /memory, pglite, pglite:DIR, postgres:\/\/… or postgresql:\/\/…/);
    }
  }
});

spec('pglite: without a folder is refused', () => {
  assert.throws(() => parseDatabaseSpec('pglite:'), /names no folder: use pglite:DIR/);
});

spec('a URL that does not parse is refused, without its password', () => {
  try {
    parseDatabaseSpec('postgres://user:secret@[bad/db');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, DatabaseSpecError);
    assert.not.match((error as Error).message, /secret/);
  }
});

spec('redactUrl hides the password only', () => {
  assert.is(redactUrl('postgres://u:secret@h:5432/db'), 'postgres://u:***@h:5432/db');
  assert.is(redactUrl('postgres://u@h/db'), 'postgres://u@h/db');
  assert.is(redactUrl('pglite:.athanor/db'), 'pglite:.athanor/db');
});

spec('resolveDatabaseSpec: --db, then ATHANOR_DATABASE_URL, then the PGlite default', () => {
  assert.is(DEFAULT_DATABASE_SPEC, 'pglite:.athanor/db');
  assert.is(resolveDatabaseSpec('memory', { ATHANOR_DATABASE_URL: 'postgres://h/db' }), 'memory');
  assert.is(resolveDatabaseSpec(undefined, { ATHANOR_DATABASE_URL: 'postgres://h/db' }), 'postgres://h/db');
  assert.is(resolveDatabaseSpec(undefined, {}), 'pglite:.athanor/db');
  assert.is(resolveDatabaseSpec('', { ATHANOR_DATABASE_URL: '' }), 'pglite:.athanor/db');
});

spec.run();

const open = suite('openDatabase');

open('an unknown spec rejects before anything opens', async () => {
  try {
    await openDatabase('redis://localhost');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, DatabaseSpecError);
    assert.match((error as Error).message, /unknown database "redis:\/\/localhost"/);
  }
});

open('memory: migrated on open, close is idempotent, await using closes', async () => {
  const database = await openDatabase('memory');
  assert.is(database.kind, 'memory');
  assert.is(database.spec, 'memory');
  assert.equal(await pendingMigrations(database.db), []);
  await database.close();
  await database.close();
  {
    await using scoped = await openDatabase('memory');
    assert.equal(await scoped.db.selectFrom('instances').selectAll().execute(), []);
  }
});

open('migrate: false leaves the schema alone and assertMigrated says so', async () => {
  await using database = await openDatabase('memory', { migrate: false });
  assert.equal(await pendingMigrations(database.db), ['0001-initial', '0002-run-records']);
  try {
    await assertMigrated(database.db);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, MigrationError);
    assert.match((error as Error).message, /not migrated: 0001-initial, 0002-run-records pending; run `athanor migrate`/);
  }
});

open('pglite: creates missing parent folders and keeps rows across close and reopen', async () => {
  const root = await mkdtemp(join(tmpdir(), 'athanor-open-'));
  const dbSpec = `pglite:${join(root, 'nested', 'deeper', 'db')}`;
  try {
    const first = await openDatabase(dbSpec);
    assert.is(first.kind, 'pglite');
    const now = new Date();
    await first.db
      .insertInto('instances')
      .values({ id: crypto.randomUUID(), experiment: 'e', name: 'kept', configuration: '{"n":1}', created_at: now, updated_at: now })
      .execute();
    await first.close();

    const second = await openDatabase(dbSpec);
    try {
      const rows = await second.db.selectFrom('instances').select(['name', 'configuration', 'created_at']).execute();
      assert.equal(rows, [{ name: 'kept', configuration: { n: 1 }, created_at: now }]);
      assert.equal(await pendingMigrations(second.db), []);
    } finally {
      await second.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

open('pglite: a path that is a file is refused, naming the spec', async () => {
  const root = await mkdtemp(join(tmpdir(), 'athanor-open-'));
  try {
    await writeFile(join(root, 'file'), 'x');
    const dbSpec = `pglite:${join(root, 'file')}`;
    try {
      await openDatabase(dbSpec);
      assert.unreachable();
    } catch (error) {
      assert.ok((error as Error).message.startsWith(`could not open ${dbSpec}: cannot create the folder`), (error as Error).message);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

open.run();

const postgresTitle = 'openDatabase [postgres]';
if (requirePostgresUrl(postgresTitle) !== undefined) {
  const postgres = suite(postgresTitle);

  postgres('a server that refuses connections fails the open with a MigrationError naming it', async () => {
    try {
      await openDatabase('postgres://nobody:secret@127.0.0.1:1/none');
      assert.unreachable();
    } catch (error) {
      assert.instance(error, MigrationError);
      const { message } = error as Error;
      assert.match(message, /^postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none: migrating failed: .*ECONNREFUSED/);
      assert.not.match(message, /secret/);
    }
  });

  postgres('migrations go to the schema of the search_path, not public', async () => {
    const url = postgresTestUrl()!;
    const schema = `athanor_t_open_${process.pid}`;
    const admin = await openDatabase(url, { migrate: false });
    try {
      await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await admin.db.schema.createSchema(schema).execute();
      const database = await openDatabase(withSearchPath(url, schema));
      await database.close();
      const { rows } = await sql<{ table_schema: string; table_name: string }>`
        select table_schema, table_name from information_schema.tables
        where table_name in ('runs', 'kysely_migration') order by 1, 2`.execute(admin.db);
      assert.equal(
        rows.filter((row) => row.table_schema === schema),
        [
          { table_schema: schema, table_name: 'kysely_migration' },
          { table_schema: schema, table_name: 'runs' },
        ],
      );
    } finally {
      await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await admin.close();
    }
  });

  postgres.run();
}
