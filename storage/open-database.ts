/**
 * Opens the database a spec names (see database-spec.ts) and brings it to the current
 * schema: the one entry point the workbench, the CLI and the tests use.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './database-schema.ts';
import { parseDatabaseSpec, redactUrl, type DatabaseKind } from './database-spec.ts';
import { migrateNewDatabase, migrateToLatest } from './migrator.ts';

export type { DatabaseKind, DatabaseSpec } from './database-spec.ts';
export { DEFAULT_DATABASE_SPEC, parseDatabaseSpec, redactUrl, resolveDatabaseSpec } from './database-spec.ts';

/** The slice of a {@link Database} that queries need: which backend, and its Kysely. */
export interface DatabaseHandle {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DatabaseSchema>;
}

/** An open database. Close it (or `await using` it) to release its connections and lock. */
export interface Database extends DatabaseHandle, AsyncDisposable {
  /** The spec it was opened with, as given (a Postgres password included). */
  readonly spec: string;
  /** Closes the database; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** Connections in a Postgres pool (default 10). */
  poolSize?: number;
}

/** Applies pending migrations; throws their error. */
async function migrated(db: Kysely<DatabaseSchema>): Promise<void> {
  const { error } = await migrateToLatest(db);
  if (error) throw error;
}

/** Opens the backend; each is imported only when used (pg-mem and pg take ~0.1–0.3 s to load). */
async function openBackend(spec: string, options: OpenDatabaseOptions): Promise<{ kind: DatabaseKind; db: Kysely<DatabaseSchema> }> {
  const parsed = parseDatabaseSpec(spec);
  switch (parsed.kind) {
    case 'memory': {
      const { createMemoryBackend } = await import('./backends/memory-backend.ts');
      return { kind: 'memory', db: createMemoryBackend() };
    }
    case 'pglite': {
      const { createPgliteBackend } = await import('./backends/pglite-backend.ts');
      // A new folder is migrated as it is created, so it can be kept as the template of the next.
      const initialize = options.migrate === false ? undefined : async (db: Kysely<DatabaseSchema>) => void (await migrated(db));
      return { kind: 'pglite', db: await createPgliteBackend(parsed.dir, { spec, ...(initialize ? { initialize } : {}) }) };
    }
    case 'postgres': {
      const { createPostgresBackend } = await import('./backends/postgres-backend.ts');
      const max = options.poolSize;
      return { kind: 'postgres', db: createPostgresBackend(parsed.url, max === undefined ? {} : { max }) };
    }
  }
}

/** Wraps an open Kysely as a {@link Database} whose `close()` runs once. */
function toDatabase(kind: DatabaseKind, spec: string, db: Kysely<DatabaseSchema>): Database {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= db.destroy());
  return Object.freeze({ kind, spec, db, close, [Symbol.asyncDispose]: close });
}

/**
 * Opens `spec` (`memory`, `pglite`, `pglite:DIR`, `postgres://…`, `postgresql://…`) and,
 * unless `migrate: false`, applies pending migrations. Throws a DatabaseSpecError for an
 * unknown spec, a DatabaseLockedError for a PGlite folder another process holds, and a
 * MigrationError when migrating fails (the database is closed again first).
 *
 * @example
 * await using database = await openDatabase(resolveDatabaseSpec(flags.db));
 * const runs = await database.db.selectFrom('runs').selectAll().execute();
 */
export async function openDatabase(spec: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const { kind, db } = await openBackend(spec, options);
  const database = toDatabase(kind, spec, db);
  if (options.migrate ?? true) {
    // A memory database is new at every open: nothing there for the Migrator to check.
    const { error } = await (kind === 'memory' ? migrateNewDatabase(db) : migrateToLatest(db));
    if (error) {
      await database.close().catch(() => {});
      error.message = `${kind === 'postgres' ? redactUrl(spec) : spec}: ${error.message}`;
      throw error;
    }
  }
  return database;
}
