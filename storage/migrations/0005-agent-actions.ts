/**
 * Agents as users (issue 17): what AI agents did through the MCP server, and which runs
 * they started.
 *
 * - `agent_actions`: one row per state-changing tool call — when, which client (its MCP
 *   `clientInfo.name`), the tool, its arguments, whether it succeeded and a one-line
 *   detail (what it made, or the error). Listed newest first: `(at desc, id desc)`.
 * - `runs.agent`: the client that started the run, null for a person (the UI, the CLI).
 *
 * Ids are made in the application (pg-mem has no `gen_random_uuid()`).
 */
import { sql, type Kysely, type Migration } from 'kysely';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agent_actions')
    .addColumn('id', 'uuid', (col) => col.primaryKey())
    .addColumn('at', 'timestamptz', (col) => col.notNull())
    .addColumn('client', 'text', (col) => col.notNull())
    .addColumn('tool', 'text', (col) => col.notNull())
    .addColumn('arguments', 'jsonb', (col) => col.notNull())
    .addColumn('outcome', 'text', (col) => col.notNull().check(sql`outcome in ('ok', 'error')`))
    .addColumn('detail', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('agent_actions_at_id_idx').on('agent_actions').columns(['at desc', 'id desc']).execute();
  await db.schema.alterTable('runs').addColumn('agent', 'text').execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('runs').dropColumn('agent').execute();
  await db.schema.dropTable('agent_actions').ifExists().execute();
}

/** Migration `0005-agent-actions`. */
export const agentActionsMigration: Migration = { up, down };
