/** Rows for storage tests: an instance and a run to hang logs and results on. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DatabaseSchema, RunStatus } from '../../storage/database-schema.ts';

/** Inserts an instance; returns its id. */
export async function insertInstance(db: Kysely<DatabaseSchema>, name = `instance-${randomUUID()}`, experiment = 'my_experiment'): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await db
    .insertInto('instances')
    .values({ id, experiment, name, description: null, configuration: '{"iterations":10}', created_at: now, updated_at: now })
    .execute();
  return id;
}

/** Inserts a run of `instanceId`; returns its id. */
export async function insertRun(db: Kysely<DatabaseSchema>, instanceId: string, status: RunStatus = 'running'): Promise<string> {
  const id = randomUUID();
  await db.insertInto('runs').values({ id, instance_id: instanceId, status, options: '{}', created_at: new Date() }).execute();
  return id;
}

/** Inserts an instance and one run of it. */
export async function seedRun(db: Kysely<DatabaseSchema>): Promise<{ instanceId: string; runId: string }> {
  const instanceId = await insertInstance(db);
  return { instanceId, runId: await insertRun(db, instanceId) };
}
