/**
 * Instances: named, snapshotted configurations of an experiment. The configuration is
 * validated against the experiment's schema and stored with its defaults applied, so a
 * later change to the schema never alters an existing instance. Every saved state is kept
 * as a version (instance-versions.ts).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ConfigValidationError, validateConfig } from '../experiment/index.ts';
import { ConflictError, InputError, NotFoundError } from '../errors.ts';
import type { Instance } from '../records.ts';
import { queryInstances } from './instance-list.ts';
import { recordVersion } from './instance-versions.ts';
import { toInstance } from './row-mappers.ts';
import { checkId, creationTime, definitionOf, type ServiceContext } from './service-context.ts';
import { checkName } from './instance-name.ts';

export { checkName } from './instance-name.ts';

export interface NewInstance {
  experiment: string;
  name: string;
  description?: string | null;
  configuration?: Record<string, unknown>;
}

export interface InstanceChanges {
  name?: string;
  description?: string | null;
  /** A whole new configuration, validated against the experiment's current schema. */
  configuration?: Record<string, unknown>;
}

export interface CloneOptions {
  /** Defaults to "<name> (copy)", numbered when taken. */
  name?: string;
  /** Fields to change in the copy, merged over the original's configuration. */
  configuration?: Record<string, unknown>;
}

/** Whether two JSON values read the same once stored (key order aside; -0 is stored as 0). */
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

export function checkDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string') {
    throw new InputError(`description must be a string, got ${JSON.stringify(description)}`);
  }
  return description;
}

/** Refuses fields that `what` does not take, naming them (a typo must not pass silently). */
export function checkFields(input: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new InputError(`${what} takes ${known.join(', ')}; not ${unknown.join(', ')}`);
}

/**
 * `configuration` checked against `experiment` as it is now, with its defaults applied (a
 * field added since gets its default); a ConfigValidationError names each problem.
 */
export function checkedConfiguration(context: ServiceContext, experiment: string, configuration: unknown, subject = `configuration for "${experiment}"`): Record<string, unknown> {
  if (configuration === null) throw new InputError('configuration must be an object of field values, got null');
  const definition = definitionOf(context, experiment);
  const result = validateConfig<Record<string, unknown>>(definition.schema, configuration ?? {});
  if (!result.ok) throw new ConfigValidationError(result.errors, subject);
  return result.value;
}

async function checkNameFree(context: ServiceContext, experiment: string, name: string, except?: string) {
  const taken = await context.database.db
    .selectFrom('instances')
    .select('id')
    .where('experiment', '=', experiment)
    .where('name', '=', name)
    .$if(except !== undefined, (q) => q.where('id', '!=', except!))
    .executeTakeFirst();
  if (taken) throw new ConflictError(`an instance of "${experiment}" named "${name}" already exists`);
}

export async function createInstance(context: ServiceContext, input: NewInstance): Promise<Instance> {
  if (input === null || typeof input !== 'object') throw new InputError('expected an object {experiment, name, configuration}');
  checkFields(input, ['experiment', 'name', 'description', 'configuration'], 'a new instance');
  // Every required field left out, named at once: `{}` was answered about its name alone.
  const missing = (['experiment', 'name'] as const).filter((field) => input[field] === undefined);
  if (missing.length > 0) throw new InputError(`a new instance needs ${missing.join(' and ')}: {experiment, name, description?, configuration?}`);
  const name = checkName(input.name);
  const description = checkDescription(input.description);
  const configuration = checkedConfiguration(context, input.experiment, input.configuration);
  await checkNameFree(context, input.experiment, name);
  const now = creationTime(context); // two made in one millisecond still list in the order they were made
  const row = await context.database.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('instances')
      .values({
        id: randomUUID(),
        experiment: input.experiment,
        name,
        description,
        configuration: JSON.stringify(configuration),
        created_at: now,
        updated_at: now,
        version: 1,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordVersion(trx, inserted);
    return inserted;
  });
  return toInstance(row);
}

export async function getInstance(context: ServiceContext, id: string): Promise<Instance> {
  const [instance] = await queryInstances(context, { id: checkId(id, 'instance') });
  if (!instance) throw new NotFoundError(`instance ${id} not found`);
  return instance;
}

export async function updateInstance(context: ServiceContext, id: string, changes: InstanceChanges): Promise<Instance> {
  const current = await getInstance(context, id);
  if (changes === null || typeof changes !== 'object') throw new InputError('expected an object of changes');
  const unknown = Object.keys(changes).filter((key) => !['name', 'description', 'configuration'].includes(key));
  if (unknown.length > 0) {
    throw new InputError(`cannot change ${unknown.join(', ')}: an instance's name, description and configuration can change`);
  }
  if (Object.keys(changes).length === 0) return current; // nothing to change: not even updatedAt
  const name = changes.name === undefined ? undefined : checkName(changes.name);
  if (name !== undefined && name !== current.name) await checkNameFree(context, current.experiment, name, current.id);
  const configuration =
    changes.configuration === undefined ? undefined : checkedConfiguration(context, current.experiment, changes.configuration);
  const description = 'description' in changes ? checkDescription(changes.description) : undefined;
  const changed =
    (name !== undefined && name !== current.name) ||
    (description !== undefined && description !== current.description) ||
    (configuration !== undefined && !sameJson(configuration, current.configuration));
  // Saving the same values again is no change: no new version, and updatedAt stays.
  if (!changed) return current;
  await context.database.db.transaction().execute(async (trx) => {
    // `version + 1` in the update itself: two concurrent saves get two numbers (the row lock orders them).
    const row = await trx
      .updateTable('instances')
      .set((eb) => ({
        ...(name !== undefined ? { name } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(configuration !== undefined ? { configuration: JSON.stringify(configuration) } : {}),
        updated_at: context.now(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`instance ${id} not found`);
    await recordVersion(trx, row);
  });
  return getInstance(context, current.id);
}

/** Deletes an instance; its runs, logs and results go with it (ON DELETE CASCADE). */
export async function deleteInstance(context: ServiceContext, id: string): Promise<void> {
  const result = await context.database.db.deleteFrom('instances').where('id', '=', checkId(id, 'instance')).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new NotFoundError(`instance ${id} not found`);
}

export async function cloneInstance(context: ServiceContext, id: string, options: CloneOptions = {}): Promise<Instance> {
  const original = await getInstance(context, id);
  if (options === null || typeof options !== 'object') throw new InputError('expected an object {name?, configuration?}');
  checkFields(options, ['name', 'configuration'], 'a clone');
  if (options.configuration === null) throw new InputError('configuration must be an object of the fields to change, got null');
  const name = options.name ?? (await freeCopyName(context, original));
  return createInstance(context, {
    experiment: original.experiment,
    name,
    description: original.description,
    configuration: { ...original.configuration, ...(options.configuration ?? {}) },
  });
}

async function freeCopyName(context: ServiceContext, original: Instance): Promise<string> {
  const names = new Set(
    (
      await context.database.db
        .selectFrom('instances')
        .select('name')
        .where('experiment', '=', original.experiment)
        .execute()
    ).map((row) => row.name),
  );
  for (let n = 1; ; n++) {
    const candidate = `${original.name} (copy${n > 1 ? ` ${n}` : ''})`;
    if (!names.has(candidate)) return candidate;
  }
}

/**
 * The configuration a run of `instance` starts with: the instance's, validated against its
 * experiment's schema now, defaults applied (a field added since gets its default; one that
 * no longer fits stops the run, naming it).
 */
export function runConfiguration(context: ServiceContext, instance: Instance): Record<string, unknown> {
  return checkedConfiguration(context, instance.experiment, instance.configuration);
}
