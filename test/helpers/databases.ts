/**
 * The storage backends, for suites that must behave the same on each (like
 * `kysely/test/node/src/`, which loops over its dialects).
 *
 * - `memory`: a new pg-mem database per open.
 * - `pglite`: a new folder under the system temp folder per open, removed on close. A new
 *   PGlite folder costs an initdb (~2.5–16 s) and the migrations (~2 s); this helper pays
 *   them once per `npm test` for two template folders (initialised; migrated) that every
 *   test process copies (~0.3–1 s). Still, open one per suite and reset between tests
 *   with {@link truncateAll}.
 * - `postgres`: `ATHANOR_TEST_DATABASE_URL`, in a new schema per open (`athanor_t_<hex>`,
 *   the pool's `search_path`), dropped on close. Without the variable a suite is skipped
 *   loudly, or fails under `ATHANOR_REQUIRE_ALL=1` (see {@link requirePostgresUrl}).
 *
 * Every open must be closed: a PGlite or a pg pool left open keeps the test process
 * alive or breaks later suites (all run in one process).
 *
 * @example
 * suiteForEachBackend('run logs', (test, database) => {
 *   test('are kept in order', async () => {
 *     await insertLogRows(database(), rows);
 *   });
 * });
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { withSearchPath } from '../../storage/database-spec.ts';
import { buildOnce } from './build-once.ts';
import { suite, type Test } from 'uvu';
import { openDatabase, type Database, type DatabaseHandle } from '../../storage/open-database.ts';

/** The backends every storage conformance suite runs on. */
export type BackendName = 'memory' | 'pglite' | 'postgres';

/** One backend of the loop. */
export interface BackendCase {
  readonly name: BackendName;
}

/** memory, pglite, postgres: the order suites run in (fastest first). */
export const backends: readonly BackendCase[] = Object.freeze([{ name: 'memory' }, { name: 'pglite' }, { name: 'postgres' }]);

/** A database opened for a test; `close()` also removes its folder or schema. */
export interface TestDatabase extends Database {
  readonly backend: BackendName;
  /** The PGlite folder or the Postgres schema; `memory` for pg-mem. */
  readonly location: string;
  /** The same as `close()`. */
  cleanup(): Promise<void>;
}

/** Options of {@link openTestDatabase}. */
export interface OpenTestDatabaseOptions {
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

/** The Postgres URL of the storage suites, if any. */
export function postgresTestUrl(): string | undefined {
  const url = process.env.ATHANOR_TEST_DATABASE_URL;
  return url === undefined || url === '' ? undefined : url;
}

/**
 * The Postgres URL for suite `suiteName`, or `undefined` when the suite must not run. With
 * no `ATHANOR_TEST_DATABASE_URL` it prints why the suite is skipped to stderr, or, when
 * `ATHANOR_REQUIRE_ALL=1`, registers a suite of that name whose one test fails.
 */
export function requirePostgresUrl(suiteName: string): string | undefined {
  const url = postgresTestUrl();
  if (url !== undefined) return url;
  if (process.env.ATHANOR_REQUIRE_ALL === '1') {
    const failing = suite(suiteName);
    failing('needs a Postgres server', () => {
      throw new Error(`ATHANOR_TEST_DATABASE_URL is not set but ATHANOR_REQUIRE_ALL=1: "${suiteName}" cannot be skipped`);
    });
    failing.run();
  } else {
    process.stderr.write(
      `\n  SKIPPED "${suiteName}": ATHANOR_TEST_DATABASE_URL is not set ` +
        `(e.g. ATHANOR_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it)\n`,
    );
  }
  return undefined;
}

let scratch: Promise<string> | undefined;
let template: Promise<string> | undefined;
let migratedTemplate: Promise<string> | undefined;

const SCRATCH_PREFIX = 'athanor-test-';

/** Removes the temp folders of test processes that were killed before their exit hook ran. */
async function sweepAbandonedScratch(): Promise<void> {
  for (const name of await readdir(tmpdir()).catch(() => [])) {
    const pid = Number(/^athanor-test-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') await rm(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}

/** This process' temp folder for PGlite databases, removed when the process exits. */
function scratchFolder(): Promise<string> {
  return (scratch ??= sweepAbandonedScratch()
    .then(() => mkdtemp(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`)))
    .then((dir) => {
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    }));
}

/** Where the templates live: the runner's shared folder, or this process's own. */
async function templatesFolder(): Promise<string> {
  return process.env.ATHANOR_TEST_SHARED ?? (await scratchFolder());
}

/** A freshly initialised (unmigrated) PGlite folder, to copy. */
function pgliteTemplate(): Promise<string> {
  return (template ??= templatesFolder().then((root) =>
    buildOnce(join(root, 'pglite-initialised'), async (into) => {
      // Imported here, not above: a file that never opens PGlite does not load it (~0.5 CPU-s through tsx).
      const { PGlite } = await import('@electric-sql/pglite');
      const pglite = await PGlite.create({ dataDir: into });
      await pglite.close();
    }),
  ));
}

/** The same, with every migration applied: a test database opens it with nothing to do. */
function migratedPgliteTemplate(): Promise<string> {
  return (migratedTemplate ??= Promise.all([templatesFolder(), pgliteTemplate()]).then(([root, initialised]) =>
    buildOnce(join(root, 'pglite-migrated'), async (into) => {
      await cp(initialised, into, { recursive: true });
      const database = await openDatabase(`pglite:${into}`);
      await database.close();
    }),
  ));
}

function withCleanup(database: Database, backend: BackendName, location: string, cleanup: () => Promise<void>): TestDatabase {
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await database.close();
      } finally {
        await cleanup();
      }
    })());
  return Object.freeze({
    kind: database.kind,
    spec: database.spec,
    db: database.db,
    backend,
    location,
    close,
    cleanup: close,
    [Symbol.asyncDispose]: close,
  });
}

/**
 * A new PGlite folder (initialised, not open) for tests that open it themselves;
 * `migrated: true` has every migration applied already (for tests not about migrating).
 */
export async function createPgliteFolder(options: { migrated?: boolean } = {}): Promise<{ dir: string; remove(): Promise<void> }> {
  const source = await (options.migrated ? migratedPgliteTemplate() : pgliteTemplate());
  const dir = join(await scratchFolder(), `db-${randomBytes(6).toString('hex')}`);
  await cp(source, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies a migrated PGlite folder to `dir` (which must not exist): a workbench process opens it at once. */
export async function copyMigratedPglite(dir: string): Promise<void> {
  await cp(await migratedPgliteTemplate(), dir, { recursive: true, errorOnExist: true, force: false });
}

async function openPglite(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const { dir, remove } = await createPgliteFolder({ migrated: options.migrate !== false });
  try {
    return withCleanup(await openDatabase(`pglite:${dir}`, options), 'pglite', dir, remove);
  } catch (error) {
    await remove();
    throw error;
  }
}

export { withSearchPath };

async function adminQuery(url: string, text: string): Promise<void> {
  const { default: pg } = await import('pg'); // only the Postgres suites load it
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A new, empty schema on the Postgres server at `url`: `url` of the result points every
 * connection at it; `drop()` removes it with everything in it. Tests and benchmarks use it
 * so they never touch another schema.
 */
export async function createScratchSchema(url: string, prefix = 'athanor_t'): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create schema ${schema}`);
  return { schema, url: withSearchPath(url, schema), drop: () => adminQuery(url, `drop schema if exists ${schema} cascade`) };
}

async function openPostgres(options: OpenTestDatabaseOptions): Promise<TestDatabase> {
  const url = postgresTestUrl();
  if (url === undefined) throw new Error('ATHANOR_TEST_DATABASE_URL is not set: use requirePostgresUrl() to skip the suite');
  const { schema, url: scratchUrl, drop } = await createScratchSchema(url);
  try {
    return withCleanup(await openDatabase(scratchUrl, { ...options, poolSize: 4 }), 'postgres', schema, drop);
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * Opens a new, empty (migrated unless `migrate: false`) database of one backend. Close it
 * (or `await using` it): that removes its folder or schema too.
 */
export async function openTestDatabase(name: BackendName, options: OpenTestDatabaseOptions = {}): Promise<TestDatabase> {
  switch (name) {
    case 'memory':
      return withCleanup(await openDatabase('memory', options), 'memory', 'memory', async () => {});
    case 'pglite':
      return openPglite(options);
    case 'postgres':
      return openPostgres(options);
  }
}

/** Runs `use` with a new test database of `name`, closing it whatever happens. */
export async function withTestDatabase<T>(name: BackendName, use: (database: TestDatabase) => Promise<T>, options?: OpenTestDatabaseOptions): Promise<T> {
  const database = await openTestDatabase(name, options);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

/** Empties every Athanor table (migrations stay applied): cheap reset between tests. */
export async function truncateAll(database: DatabaseHandle): Promise<void> {
  const { db } = database;
  if (database.kind === 'memory') {
    // pg-mem truncates one table a statement; delete children first.
    const tables = ['run_logs', 'run_results', 'run_metrics', 'run_points', 'run_point_blocks', 'runs', 'instance_versions', 'instances', 'agent_actions', 'workers'] as const;
    for (const table of tables) await db.deleteFrom(table).execute();
    return;
  }
  await sql`truncate table run_logs, run_results, run_metrics, run_points, run_point_blocks, runs, instance_versions, instances, agent_actions, workers`.execute(db);
}

/** Options of {@link suiteForEachBackend}. */
export interface BackendSuiteOptions extends OpenTestDatabaseOptions {
  /** Empty the tables before each test (default true). */
  reset?: boolean;
  /** Only these backends (default all). */
  only?: readonly BackendName[];
}

/**
 * Defines and runs suite `name [backend]` once per backend, with one database per suite:
 * opened before its first test, emptied before each (unless `reset: false`), closed after
 * the last. A database that fails to open fails each test of that suite (uvu would stop
 * the whole run on a throwing `before`). Postgres suites follow {@link requirePostgresUrl}.
 */
export function suiteForEachBackend(
  name: string,
  define: (test: Test, database: () => TestDatabase, backend: BackendName) => void,
  options: BackendSuiteOptions = {},
): void {
  for (const { name: backend } of backends) {
    if (options.only && !options.only.includes(backend)) continue;
    const title = `${name} [${backend}]`;
    if (backend === 'postgres' && requirePostgresUrl(title) === undefined) continue;
    const test = suite(title);
    let database: TestDatabase | undefined;
    let failure: unknown;
    test.before(async () => {
      try {
        database = await openTestDatabase(backend, options);
      } catch (error) {
        failure = error;
      }
    });
    test.before.each(async () => {
      if (failure !== undefined) throw failure;
      if (options.reset ?? true) await truncateAll(database!);
    });
    test.after(async () => {
      try {
        await database?.close();
      } catch (error) {
        // uvu would abort the run on a throwing `after`: say it instead.
        process.stderr.write(`\n  ${title}: closing its database failed: ${(error as Error).stack}\n`);
        process.exitCode = 1;
      }
    });
    define(test, () => {
      if (!database) throw new Error(`${title}: the database is not open (outside a test?)`);
      return database;
    }, backend);
    test.run();
  }
}
