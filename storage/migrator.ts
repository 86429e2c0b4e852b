/**
 * Brings a database to the current schema with Kysely's Migrator and the migrations
 * compiled into the program (no folder scanning, so it works the same from source, from a
 * bundle and from a test).
 */
import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  MIGRATION_LOCK_ID,
  Migrator,
  sql,
  type DatabaseIntrospector,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { DatabaseSchema } from './database-schema.ts';
import { migrations as allMigrations } from './migrations/index.ts';
import { describeError, MigrationError } from './storage-errors.ts';

/** What {@link migrateToLatest} did: like Kysely's migrator, it reports rather than throws. */
export interface MigrationOutcome {
  /** Names of the migrations applied by this call, in order (empty when up to date). */
  applied: string[];
  /** Set when a migration (or the bookkeeping around it) failed; a {@link MigrationError}. */
  error?: MigrationError;
}

/** Options of the migration functions; tests may pass their own migrations. */
export interface MigratorOptions {
  migrations?: Readonly<Record<string, Migration>>;
}

/** The migrations handed to Kysely from memory. */
function inCodeProvider(migrations: Readonly<Record<string, Migration>>): MigrationProvider {
  return { getMigrations: async () => ({ ...migrations }) };
}

async function createMigrator(db: Kysely<DatabaseSchema>, options: MigratorOptions): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables by name in *every* schema the introspector
  // sees, so a `kysely_migration` of another schema (another test schema, another app in
  // `public`) would fool it. Naming the schema we actually write to keeps it to ours.
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no current schema: the search_path names no existing schema');
  return new Migrator({
    db: introspectingOnly(db, schema),
    provider: inCodeProvider(options.migrations ?? allMigrations),
    migrationTableSchema: schema,
  });
}

/**
 * `db` with an introspector that sees `schema` alone: all the Migrator asks it is whether its
 * schema and its two tables exist. Kysely's Postgres introspector lists every column of every
 * schema, passing each schema's name to has_schema_privilege() and pg_get_serial_sequence(),
 * which throw "schema "x" does not exist" when another session drops x during the query: on
 * a server shared with other schemas' churn (tests, other apps) 13 of 30 opens failed.
 */
function introspectingOnly<DB>(db: Kysely<DB>, schema: string): Kysely<DB> {
  const getTables: DatabaseIntrospector['getTables'] = async () => {
    const { rows } = await sql<{ name: string; type: string }>`
      select table_name as name, table_type as type from information_schema.tables where table_schema = ${schema}`.execute(db);
    return rows.map((row) => ({ name: row.name, schema, isView: row.type === 'VIEW', columns: [] }));
  };
  const introspection: DatabaseIntrospector = {
    getSchemas: async () => (await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db)).rows,
    getTables,
    getMetadata: async () => ({ tables: await getTables() }),
  };
  return new Proxy(db, {
    get(target, key) {
      if (key === 'introspection') return introspection;
      const value: unknown = Reflect.get(target, key, target);
      // Kysely's methods use private fields: call them on the instance, not on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Applies every pending migration, in one transaction where the backend has
 * transactional DDL (all three do; pg-mem cannot roll back, see memory-backend.ts).
 * Never throws: a failure comes back as `error`, with the migrations applied before it.
 *
 * @example
 * const { applied, error } = await migrateToLatest(db);
 * if (error) throw error;
 */
export async function migrateToLatest(db: Kysely<DatabaseSchema>, options: MigratorOptions = {}): Promise<MigrationOutcome> {
  if (await upToDate(db, Object.keys(options.migrations ?? allMigrations))) return { applied: [] };
  let migrator: Migrator;
  try {
    migrator = await createMigrator(db, options);
  } catch (cause) {
    return { applied: [], error: new MigrationError(`migrating failed: ${describeError(cause)}`, { applied: [], cause }) };
  }
  const { error, results = [] } = await migrator.migrateToLatest();
  const applied = results.filter((r) => r.status === 'Success' && r.direction === 'Up').map((r) => r.migrationName);
  if (error === undefined) return { applied };
  return failure(applied, error, results.find((r) => r.status === 'Error')?.migrationName);
}

/**
 * Whether `db` has every one of `names` applied and no other, read in one statement: the
 * Migrator's own check of an up-to-date database (its schema, its two tables, its lock, its
 * list) took ~10 statements, ~60 ms of every PGlite open. Its table must be the current
 * schema's (the search path may find another schema's first: see createMigrator). Anything
 * else — no table yet, another list, an error — is left to the Migrator.
 */
async function upToDate(db: Kysely<DatabaseSchema>, names: string[]): Promise<boolean> {
  try {
    const { rows } = await sql<{ current: string | null; owner: string; names: string[] }>`
      select current_schema() as current,
        (select n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          where c.oid = to_regclass(${DEFAULT_MIGRATION_TABLE})) as owner,
        (select coalesce(array_agg(name), '{}') from ${sql.table(DEFAULT_MIGRATION_TABLE)}) as names`.execute(db);
    const row = rows[0];
    if (!row?.current || row.owner !== row.current) return false;
    const [have, wanted] = [[...row.names].sort(), [...names].sort()];
    return have.length === wanted.length && have.every((name, i) => name === wanted[i]);
  } catch {
    return false;
  }
}

/** The outcome of a migration run that stopped at `failed` (or around the migrations) with `cause`. */
function failure(applied: string[], cause: unknown, failed: string | undefined): MigrationOutcome {
  const message = failed ? `migration ${failed} failed: ${describeError(cause)}` : `migrating failed: ${describeError(cause)}`;
  return { applied, error: new MigrationError(message, { applied, cause, ...(failed ? { failed } : {}) }) };
}

/**
 * Migrates a database made a moment ago, empty (the memory backend's: a new one per open):
 * each migration in order, then the bookkeeping Kysely's Migrator writes (its two tables, the
 * lock row, a row per migration), so it finds the database up to date as if it had migrated
 * it. The Migrator reads, locks and writes around every step: on pg-mem, where each statement
 * is slow, that cost more than the migrations themselves (~0.14 → ~0.06 s of every memory open).
 * Like {@link migrateToLatest}, it reports a failure rather than throws.
 */
export async function migrateNewDatabase(db: Kysely<DatabaseSchema>, options: MigratorOptions = {}): Promise<MigrationOutcome> {
  const applied: string[] = [];
  let failed: string | undefined;
  try {
    const migrations = options.migrations ?? allMigrations;
    for (const name of Object.keys(migrations).sort()) {
      failed = name;
      await migrations[name]!.up(db);
      applied.push(name);
    }
    failed = undefined;
    // The tables as Kysely's Migrator creates them (kysely/dist/esm/migration/migrator.js).
    const untyped = db as unknown as Kysely<Record<string, Record<string, string | number>>>;
    await untyped.schema
      .createTable(DEFAULT_MIGRATION_TABLE)
      .addColumn('name', 'varchar(255)', (col) => col.notNull().primaryKey())
      .addColumn('timestamp', 'varchar(255)', (col) => col.notNull())
      .execute();
    await untyped.schema
      .createTable(DEFAULT_MIGRATION_LOCK_TABLE)
      .addColumn('id', 'varchar(255)', (col) => col.notNull().primaryKey())
      .addColumn('is_locked', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
    await untyped.insertInto(DEFAULT_MIGRATION_LOCK_TABLE).values({ id: MIGRATION_LOCK_ID, is_locked: 0 }).execute();
    // Distinct, increasing timestamps: the Migrator orders what was executed by them.
    const start = Date.now();
    if (applied.length) {
      await untyped
        .insertInto(DEFAULT_MIGRATION_TABLE)
        .values(applied.map((name, i) => ({ name, timestamp: new Date(start + i).toISOString() })))
        .execute();
    }
    return { applied };
  } catch (cause) {
    return failure(applied, cause, failed);
  }
}

/** Names of the migrations not yet applied to `db`, in order. */
export async function pendingMigrations(db: Kysely<DatabaseSchema>, options: MigratorOptions = {}): Promise<string[]> {
  const migrator = await createMigrator(db, options);
  const infos = await migrator.getMigrations();
  return infos.filter((info) => info.executedAt === undefined).map((info) => info.name);
}

/**
 * Throws a {@link MigrationError} naming the pending migrations when `db` is not at the
 * current schema (for `openDatabase(spec, { migrate: false })` users that must not write
 * to an old schema).
 */
export async function assertMigrated(db: Kysely<DatabaseSchema>, options: MigratorOptions = {}): Promise<void> {
  const pending = await pendingMigrations(db, options);
  if (pending.length > 0) {
    throw new MigrationError(`the database is not migrated: ${pending.join(', ')} pending; run \`athanor migrate\``, {
      applied: [],
    });
  }
}
