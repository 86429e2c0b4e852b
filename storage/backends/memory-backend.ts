/**
 * The `memory` backend: pg-mem, an in-process imitation of Postgres, for tests and the
 * test harness. Each call makes a new, empty database that lives as long as its Kysely.
 *
 * pg-mem 3.0.14 is not Postgres. Every workaround for what it lacks is in this file, each
 * with its reason, so code elsewhere needs to know nothing of it beyond what
 * `bulk-insert.ts` asks of {@link insertRows}.
 *
 * Design note — why not pg-mem's own `pg` adapter (`mem.adapters.createPg()`): it inlines
 * parameters as literals and writes a string holding both `\` and `"` as an `E'…'` literal
 * that pg-mem's own parser then fails on ("Bad escaped character in JSON"), so a log line
 * like `path "C:\tmp"` could not be stored; its transactions never roll back (pg-mem issue
 * #285); and its connections share one transaction state. pg-mem's prepared statements
 * (`prepare().bind()`) bind properly but fail on any indexed `where id = $1` ("No execution
 * context available"). So this file has its own Kysely driver: parameters are inlined as
 * standard-conforming literals (`'…'`, quotes doubled, backslashes literal), and one
 * connection is shared in turn (like PGlite's), which makes transactions isolated and
 * lets rollback restore a snapshot (`mem.backup()`, a cheap immutable copy).
 *
 * What remains unlike Postgres, and callers must not rely on with `memory`:
 * - A rolled-back transaction that changed the schema (DDL) keeps its changes.
 * - No window functions, `FOR UPDATE SKIP LOCKED`, `LISTEN/NOTIFY`, most jsonb functions,
 *   `date_trunc`, `string_agg`, `generate_series`, plpgsql (STACK.md); no
 *   `truncate a, b` of several tables at once; no `= any($1)` with an array parameter.
 * - A statement failing inside a transaction does not abort the transaction.
 *
 * Types of returned rows match PGlite's: `jsonb` parsed, `timestamptz` as Date, `count(*)`
 * and other int8 as number.
 */
import { randomUUID } from 'node:crypto';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Dialect,
  type Driver,
  type Insertable,
  type QueryResult,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import { createRequire } from 'node:module';
import type { IBackup, IMemoryDb } from 'pg-mem';
import type { DatabaseSchema } from '../database-schema.ts';
import { inlineParameters, statementTemplates, toLiteral } from './memory-statements.ts';

// Required, not imported: pg-mem is one 580 kB CommonJS file, and importing it from ESM has
// Node scan it for its export names first (~0.3 s of every `--db memory` command's start).
const { DataType, newDb } = createRequire(import.meta.url)('pg-mem') as typeof import('pg-mem');

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** The statement {@link insertRows} sends: rows handed to pg-mem's table API, not SQL. */
const INSERT_ROWS = '/* athanor: insert rows */';

/** One row's `insert` as SQL, its values as literals. */
function insertStatement(table: string, row: Record<string, unknown>): string {
  const columns = Object.keys(row);
  return `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map((column) => toLiteral(row[column])).join(', ')})`;
}

/**
 * A row as pg-mem keeps it: jsonb parsed, timestamptz a Date. Its SQL path would cast the
 * literals the same way; the table API takes values as they are stored.
 */
function storedRow(row: Record<string, unknown>, jsonColumns: readonly string[], timeColumns: readonly string[]): Record<string, unknown> {
  const stored = { ...row };
  for (const column of jsonColumns) if (typeof stored[column] === 'string') stored[column] = JSON.parse(stored[column] as string);
  for (const column of timeColumns) if (typeof stored[column] === 'string') stored[column] = new Date(stored[column] as string);
  return stored;
}

class MemoryConnection implements DatabaseConnection {
  readonly #mem: IMemoryDb;
  /** Snapshots to restore: the transaction's start, then each savepoint. */
  readonly snapshots: { name: string; backup: IBackup }[] = [];

  constructor(mem: IMemoryDb) {
    this.#mem = mem;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.sql === INSERT_ROWS) return this.#insertRows(query.parameters[0] as string, query.parameters[1] as Record<string, unknown>[]);
    // The template's parsed statements with the values in place (memory-statements.ts), else the text.
    const result = this.#mem.public.query(statementTemplates().statements(query.sql, query.parameters) ?? inlineParameters(query));
    // Copy each row: pg-mem's carry symbol-keyed internals (`for…in` skips them).
    const rows = result.rows.map((row) => {
      const copy: Record<string, unknown> = {};
      for (const key in row) copy[key] = row[key];
      return copy as R;
    });
    return COUNTED.has(result.command) ? { rows, numAffectedRows: BigInt(result.rowCount) } : { rows };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query);
  }

  /**
   * Rows into `table` through pg-mem's table API (keys, constraints and indexes kept), all
   * or none: parsing a multi-row insert costs pg-mem ~0.5 ms a row, this ~0.03.
   */
  #insertRows<R>(table: string, rows: readonly Record<string, unknown>[]): QueryResult<R> {
    const target = this.#mem.public.getTable(table);
    const columns = [...target.getColumns()];
    const of = (...types: string[]) => columns.filter((column) => types.includes(column.type.primary)).map((column) => column.name);
    const [jsonColumns, timeColumns] = [of('jsonb', 'json'), of('timestamptz', 'timestamp')];
    const before = this.#mem.backup();
    try {
      for (const row of rows) {
        // JSON's null (not SQL's) is a value pg-mem keeps as a private symbol: that row goes through SQL.
        if (jsonColumns.some((column) => row[column] === 'null')) this.#mem.public.none(insertStatement(table, row));
        else target.insert(storedRow(row, jsonColumns, timeColumns));
      }
    } catch (error) {
      before.restore();
      throw error;
    }
    return { rows: [], numAffectedRows: BigInt(rows.length) };
  }

  take(name: string): void {
    this.snapshots.push({ name, backup: this.#mem.backup() });
  }

  /** Restores the snapshot `name` (ignored after DDL, which pg-mem cannot restore). */
  restore(name: string): void {
    const index = this.snapshots.findLastIndex((s) => s.name === name);
    if (index < 0) throw new Error(`no transaction or savepoint "${name}" to roll back to`);
    try {
      this.snapshots[index]!.backup.restore();
    } catch {
      // "schema has been changed since this backup": pg-mem keeps the changes.
    }
    this.snapshots.length = index + 1;
  }

  drop(name: string): void {
    const index = this.snapshots.findLastIndex((s) => s.name === name);
    if (index >= 0) this.snapshots.length = index;
  }
}

const TRANSACTION = '\0transaction';

/** One connection, lent to one caller at a time (queued), like PGlite's driver. */
class MemoryDriver implements Driver {
  readonly #connection: MemoryConnection;
  #busy = false;
  readonly #waiting: (() => void)[] = [];

  constructor(mem: IMemoryDb) {
    this.#connection = new MemoryConnection(mem);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#busy = true;
    return this.#connection;
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#busy = false;
  }

  async beginTransaction(): Promise<void> {
    this.#connection.take(TRANSACTION);
  }

  async commitTransaction(): Promise<void> {
    this.#connection.snapshots.length = 0;
  }

  async rollbackTransaction(): Promise<void> {
    this.#connection.restore(TRANSACTION);
    this.#connection.snapshots.length = 0;
  }

  // pg-mem has no SAVEPOINT: Kysely's nested transactions get snapshots too.
  async savepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#connection.take(name);
  }

  async rollbackToSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#connection.restore(name);
  }

  async releaseSavepoint(_connection: DatabaseConnection, name: string): Promise<void> {
    this.#connection.drop(name);
  }

  async destroy(): Promise<void> {
    statementTemplates().save();
  }
}

/**
 * Kysely's PostgresIntrospector reads `pg_catalog` with `!~`, `col_description()` and
 * `has_schema_privilege()`, which pg-mem lacks, and its Migrator calls `getTables()` to
 * find its own tables. pg-mem fills `information_schema.columns`: read that.
 */
class MemoryIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    // pg-mem's pg_namespace is empty; `public` always exists.
    const tables = await this.getTables({ withInternalKyselyTables: true });
    return [...new Set(['public', ...tables.map((table) => table.schema ?? 'public')])].map((name) => ({ name }));
  }

  async getTables(options = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<{ table_schema: string; table_name: string; column_name: string; data_type: string; column_default: unknown }>`
      select table_schema, table_name, column_name, data_type, column_default from information_schema.columns`.execute(this.#db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && row.table_name.startsWith('kysely_migration')) continue;
      const key = `${row.table_schema}.${row.table_name}`;
      let table = tables.get(key);
      if (!table) tables.set(key, (table = { name: row.table_name, schema: row.table_schema, isView: false, columns: [] }));
      // pg-mem reports every column `is_nullable = NO`, so nullability is not reported.
      const hasDefaultValue = row.column_default !== null;
      table.columns.push({ name: row.column_name, dataType: row.data_type, isNullable: true, isAutoIncrementing: false, hasDefaultValue });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: { withInternalKyselyTables: boolean }): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** Postgres' SQL and adapter over the driver and introspector above. */
class MemoryDialect implements Dialect {
  readonly #mem: IMemoryDb;

  constructor(mem: IMemoryDb) {
    this.#mem = mem;
  }

  createAdapter(): PostgresAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new MemoryDriver(this.#mem);
  }

  createQueryCompiler(): PostgresQueryCompiler {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new MemoryIntrospector(db);
  }
}

/** Postgres' `jsonb_typeof` of a parsed jsonb value (SQL null in, SQL null out). */
function jsonTypeOf(value: unknown): string | null {
  if (value === undefined) return null;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value; // number, string, boolean
}

/** Functions pg-mem lacks that our code or Kysely's calls. */
function registerMissingFunctions(mem: IMemoryDb): void {
  // Kysely's migrator holds `pg_advisory_lock(id)` around migrations (and unlocks it);
  // the `xact`/`try` forms are for code that locks per transaction. One pg-mem database
  // lives in one process and its connection is lent to one caller at a time: no-ops.
  for (const name of ['pg_advisory_lock', 'pg_advisory_unlock', 'pg_advisory_xact_lock', 'pg_try_advisory_lock', 'pg_try_advisory_xact_lock']) {
    mem.public.registerFunction({ name, args: [DataType.bigint], returns: DataType.bool, implementation: () => true, impure: true });
  }
  // Kysely sets `lock_timeout` with `set_config(name, value, is_local)` before that lock;
  // pg-mem has no settings: accept and ignore it, returning the value as Postgres does.
  mem.public.registerFunction({
    name: 'set_config',
    args: [DataType.text, DataType.text, DataType.bool],
    returns: DataType.text,
    implementation: (_name: string, value: string) => value,
    impure: true,
  });
  // The runs table tells numbers in a configuration from other values (a numeric filter).
  mem.public.registerFunction({
    name: 'jsonb_typeof',
    args: [DataType.jsonb],
    returns: DataType.text,
    implementation: (value: unknown) => jsonTypeOf(value),
  });
  // Ids come from the application, but keep `gen_random_uuid()` usable as in Postgres 13+.
  mem.public.registerFunction({ name: 'gen_random_uuid', returns: DataType.uuid, implementation: () => randomUUID(), impure: true });
}

/**
 * Creates a new, empty pg-mem database and a Kysely over it; `db.destroy()` drops it.
 *
 * @example
 * const db = createMemoryBackend();
 * await migrateToLatest(db);
 */
export function createMemoryBackend(): Kysely<DatabaseSchema> {
  const mem = newDb();
  registerMissingFunctions(mem);
  return new Kysely<DatabaseSchema>({ dialect: new MemoryDialect(mem) });
}

/**
 * The batched insert of `bulk-insert.ts` on pg-mem, which has no COPY (nor a multi-array
 * `unnest`): the rows go to pg-mem's table API on the caller's connection (so inside its
 * transaction), all or none. A multi-row `insert … values` took 2.8 s for 5,000 log rows,
 * nearly all of it pg-mem parsing the statement; this takes ~0.2 s.
 */
export async function insertRows<T extends 'run_logs' | 'run_results' | 'run_points'>(
  db: Kysely<DatabaseSchema>,
  table: T,
  rows: readonly Insertable<DatabaseSchema[T]>[],
): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(INSERT_ROWS, [table, rows]));
}
