/**
 * A result's value and a log entry's metadata read back with their keys in the order the
 * experiment wrote them: stored as `json` (the text as written), not `jsonb`, which orders
 * an object's keys by length (`{ iteration, value }` came back as `{ value, iteration }`: a
 * live run page and the same page reloaded disagreed). Nothing queries inside these
 * values (metrics are kept apart, in `run_metrics`), so nothing needs jsonb's operators;
 * storing the text as written is also less work than jsonb's parse. Values already stored
 * keep the order jsonb gave them.
 */
import type { Kysely, Migration } from 'kysely';

const COLUMNS = [
  ['run_results', 'value'],
  ['run_logs', 'metadata'],
] as const;

async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of COLUMNS) await db.schema.alterTable(table).alterColumn(column, (col) => col.setDataType('json')).execute();
}

async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of COLUMNS) await db.schema.alterTable(table).alterColumn(column, (col) => col.setDataType('jsonb')).execute();
}

/** Migration `0008-json-key-order`. */
export const jsonKeyOrderMigration: Migration = { up, down };
