/**
 * Instance history: each saved state of an instance (name, description, configuration)
 * is a numbered version, 1 at creation and one more per change, written in the same
 * transaction as the instance row and never changed afterwards. Runs record the version
 * they were created from, so a run links to exactly what it ran with.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema, InstanceRow } from '../../storage/database-schema.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { InstanceVersion, Page } from '../records.ts';
import { toInstanceVersion } from './row-mappers.ts';
import { checkId, type ServiceContext } from './service-context.ts';

/** The largest version an `integer` column holds. */
const MAX_VERSION = 2_147_483_647;

/**
 * Writes the instance's state as it is in `row` (just inserted or updated, `row.version`
 * already the new number) as that version. Call it inside the transaction that wrote the
 * row, so the instance and its history never disagree.
 */
export async function recordVersion(db: Kysely<DatabaseSchema>, row: InstanceRow): Promise<void> {
  await db
    .insertInto('instance_versions')
    .values({
      instance_id: row.id,
      version: row.version,
      name: row.name,
      description: row.description,
      configuration: JSON.stringify(row.configuration),
      created_at: row.updated_at,
    })
    .execute();
}

/** Refuses a version number that cannot exist, naming it. */
function checkVersion(version: unknown, what = 'version'): number {
  if (!Number.isSafeInteger(version) || (version as number) < 1 || (version as number) > MAX_VERSION) {
    throw new InputError(`${what} must be a whole number from 1 to ${MAX_VERSION}, got ${JSON.stringify(version)}`);
  }
  return version as number;
}

export interface ListVersionsOptions {
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  cursor?: string | null;
}

async function assertInstanceExists(context: ServiceContext, id: string, asked: string): Promise<{ version: number }> {
  const row = await context.database.db.selectFrom('instances').select('version').where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`instance ${asked} not found`);
  return { version: Number(row.version) };
}

/** An instance's versions, newest first, a page at a time (`next`: the cursor of the following page). */
export async function listInstanceVersions(context: ServiceContext, instanceId: string, options: ListVersionsOptions = {}): Promise<Page<InstanceVersion>> {
  const id = checkId(instanceId, 'instance');
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError(`limit must be a whole number from 1 to 500, got ${limit}`);
  const cursor = options.cursor;
  // The cursor is the last version of the previous page: the next page holds the older ones.
  const before = cursor ? Number(cursor) : undefined;
  if (cursor && !(/^\d+$/.test(cursor) && before! >= 1 && before! <= MAX_VERSION)) {
    throw new InputError(`cursor ${JSON.stringify(cursor)} is not one this server gave`);
  }
  const rows = await context.database.db
    .selectFrom('instance_versions')
    .selectAll()
    .where('instance_id', '=', id)
    .$if(before !== undefined, (q) => q.where('version', '<', before!))
    .orderBy('version', 'desc')
    .limit(limit + 1)
    .execute();
  if (rows.length === 0) await assertInstanceExists(context, id, instanceId);
  const items = rows.slice(0, limit).map(toInstanceVersion);
  return { items, next: rows.length > limit ? String(items[items.length - 1]!.version) : null };
}

/** One version of an instance, or a NotFoundError naming the versions it has. */
export async function getInstanceVersion(context: ServiceContext, instanceId: string, version: number): Promise<InstanceVersion> {
  const id = checkId(instanceId, 'instance');
  const number = checkVersion(version);
  const row = await context.database.db
    .selectFrom('instance_versions')
    .selectAll()
    .where('instance_id', '=', id)
    .where('version', '=', number)
    .executeTakeFirst();
  if (row) return toInstanceVersion(row);
  const { version: current } = await assertInstanceExists(context, id, instanceId);
  throw new NotFoundError(`instance ${instanceId} has no version ${number}: its versions are 1 to ${current}`);
}
