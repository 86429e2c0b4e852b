/**
 * A new PGlite folder starts from the template of the first one made on the machine (a new,
 * migrated folder) instead of running initdb again; the template holds the schema only.
 */
import { sql } from 'kysely';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPgliteBackend } from '../../storage/backends/pglite-backend.ts';
import { pgliteTemplateFile, withoutEntries } from '../../storage/backends/pglite-template.ts';
import { migrateToLatest } from '../../storage/migrator.ts';
import { openDatabase } from '../../storage/open-database.ts';

const test = suite<{ dir: string; cacheDir: string; previous: string | undefined }>('pglite template: new folders copy a new, migrated one');

test.before.each(async (context) => {
  context.dir = await mkdtemp(path.join(tmpdir(), 'athanor-pglite-template-'));
  context.cacheDir = path.join(context.dir, 'cache');
  context.previous = process.env['ATHANOR_CACHE_DIR'];
  process.env['ATHANOR_CACHE_DIR'] = context.cacheDir;
});

test.after.each(async ({ dir, previous }) => {
  if (previous === undefined) delete process.env['ATHANOR_CACHE_DIR'];
  else process.env['ATHANOR_CACHE_DIR'] = previous;
  await rm(dir, { recursive: true, force: true });
});

/** Names of the entries of a gzipped tar. */
function entryNames(gzipped: Buffer): string[] {
  const names: string[] = [];
  withoutEntries(gunzipSync(gzipped), (name) => (names.push(name), false));
  return names;
}

test('the first new folder is kept as the template, migrated, without its lock file; the next starts from it with none of the first one\'s rows', async ({ dir, cacheDir }) => {
  const first = await openDatabase(`pglite:${path.join(dir, 'first')}`);
  try {
    const template = pgliteTemplateFile(cacheDir);
    const names = entryNames(await readFile(template));
    assert.ok(names.some((name) => name.endsWith('PG_VERSION')), 'the template is a data folder');
    assert.not.ok(names.some((name) => name.includes('athanor.lock')), 'the folder\'s lock file is in the template');
    await sql`create table only_in_the_first (x int)`.execute(first.db);

    // Held open by this process: the second folder's lock must be its own, not a copy of the first's.
    const second = await openDatabase(`pglite:${path.join(dir, 'second')}`);
    try {
      const applied = await second.db.selectFrom('kysely_migration' as any).select('name').execute();
      assert.ok(applied.length > 0, 'the template holds the migrations');
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'only_in_the_first'`.execute(second.db);
      assert.is(rows[0]!.n, 0, 'a table made in the first folder after its migrations is in the second');
      const lock = JSON.parse(await readFile(path.join(dir, 'second', 'athanor.lock'), 'utf8'));
      assert.is(lock.pid, process.pid);
    } finally {
      await second.close();
    }
    assert.not.ok((await readdir(path.join(dir, 'second'))).includes('athanor.lock'), 'the lock is released at close');
  } finally {
    await first.close();
  }
});

test('a damaged template is dropped and the folder made by initdb', async ({ dir, cacheDir }) => {
  const template = pgliteTemplateFile(cacheDir);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(template, 'not a tar.gz');
  const db = await createPgliteBackend(path.join(dir, 'db'), { initialize: async (kysely) => void (await migrateToLatest(kysely)) });
  try {
    const applied = await db.selectFrom('kysely_migration' as any).select('name').execute();
    assert.ok(applied.length > 0);
  } finally {
    await db.destroy();
  }
  assert.ok(entryNames(await readFile(template)).length > 0, 'a good template replaced the damaged one');
});

test.run();
