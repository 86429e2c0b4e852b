/**
 * The `postgres` backend: node-postgres' Pool under Kysely's Postgres dialect, for real
 * use and for several machines.
 *
 * node-postgres returns int8 (`count(*)`, `sum(int)`) and numeric as strings. This pool
 * parses them as numbers, like PGlite and pg-mem, so the service layer sees one type on
 * every backend: int8 → number (a BigInt beyond 2^53, PGlite's rule), numeric → number.
 * The parsers are set on this pool's clients (`types` in the pool config), never on pg's
 * global `types`, so other users of pg in the process keep its defaults. `jsonb` comes
 * back parsed and `timestamptz` as Date (pg's defaults). The pool's clients can also run
 * `COPY … FROM STDIN` for the batched inserts (postgres-copy.ts).
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from '../database-schema.ts';
import { CopyCapableClient } from './postgres-copy.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

/** pg type parsers of the Athanor pools: pg's defaults, with int8 and numeric as numbers. */
export const postgresTypeParsers: pg.CustomTypesConfig = Object.freeze({
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === INT8_OID) return parseInt8;
      if (oid === NUMERIC_OID) return Number;
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
});

/** Options of {@link createPostgresBackend}. */
export interface PostgresBackendOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Shown in `pg_stat_activity` (default `athanor`). */
  applicationName?: string;
  /** Called with errors of idle connections (default: printed to stderr). */
  onIdleError?: (error: Error) => void;
}

/**
 * Creates a pool for `url` (`postgres://user:password@host:port/database?…`) and a Kysely
 * over it; connections are made on first use. `db.destroy()` ends the pool.
 * Connection parameters of the URL go through, e.g. `?options=-c%20search_path%3Dmy_schema`.
 *
 * @example
 * const db = createPostgresBackend('postgres://postgres@127.0.0.1:5432/athanor');
 */
export function createPostgresBackend(url: string, options: PostgresBackendOptions = {}): Kysely<DatabaseSchema> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A server that does not answer (a network cut) fails the query after 5 s instead of hanging.
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName ?? 'athanor',
    types: postgresTypeParsers,
    // Clients that can also COPY FROM STDIN for the batched inserts (postgres-copy.ts).
    Client: CopyCapableClient,
  });
  // An idle client losing its server emits `error` on the pool; unhandled, it would end
  // the process. The next query fails with a clear error anyway.
  const onIdleError = options.onIdleError ?? ((error: Error) => console.error(`postgres pool: idle connection lost: ${error.message}`));
  pool.on('error', onIdleError);
  return new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
}
