/** What the experiments service's parts share: the database, the definitions, a clock. */
import type { DatabaseHandle } from '../../storage/open-database.ts';
import type { DefinitionData } from '../experiment/index.ts';
import { InputError, NotFoundError } from '../errors.ts';

export type { DatabaseHandle };
export type DatabaseKind = DatabaseHandle['kind'];

/**
 * Finds an experiment's current definition by name: `undefined` when no such experiment
 * is known; an Error when its file is broken.
 */
export type DefinitionLookup = (name: string) => DefinitionData | Error | undefined;

export interface ServiceContext {
  readonly database: DatabaseHandle;
  readonly definitions: DefinitionLookup;
  readonly now: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses ids that cannot exist before they reach a `uuid` column (a non-UUID is "not found"). */
export function checkId(id: unknown, what: 'instance' | 'run'): string {
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new NotFoundError(`${what} ${JSON.stringify(id)} not found (ids are UUIDs)`);
  }
  return id.toLowerCase();
}

/** The current definition of an experiment, or a clear error. */
export function definitionOf(context: Pick<ServiceContext, 'definitions'>, experiment: unknown): DefinitionData {
  if (typeof experiment !== 'string' || experiment === '') {
    throw new InputError(`experiment must be the name of an experiment, got ${JSON.stringify(experiment)}`);
  }
  const found = context.definitions(experiment);
  if (found === undefined) throw new NotFoundError(`unknown experiment "${experiment}"`);
  if (found instanceof Error) {
    // A load error's message names the experiment too: said once, with where and why.
    const detail = (found as { detail?: unknown }).detail;
    const why = typeof detail === 'string' ? ` ${detail}` : `: ${found.message}`;
    throw new InputError(`experiment "${experiment}" cannot be used until its file loads${why}`, {
      cause: found,
    });
  }
  return found;
}

/**
 * Retries an experiment's definition allows now (`Definition.retries(n)`), recorded on
 * each new run; 0 when the experiment is unknown here or its file is broken.
 */
export function retriesOf(context: ServiceContext, experiment: string): number {
  return definitionRetries(context.definitions(experiment));
}

/** Retries `found` allows (`Definition.retries(n)`); 0 with no definition or a broken file. */
export function definitionRetries(found: DefinitionData | Error | undefined): number {
  return found === undefined || found instanceof Error ? 0 : (found.retries ?? 0);
}

/**
 * The last creation time given per service: runs (and instances) created within one
 * millisecond (the clock's grain) still list newest first in the order they were created.
 */
const lastCreated = new WeakMap<ServiceContext, number>();

/** A creation time for a new run or instance: now, or just after the last one given (see {@link lastCreated}). */
export function creationTime(context: ServiceContext): Date {
  const time = Math.max(context.now().getTime(), (lastCreated.get(context) ?? -Infinity) + 1);
  lastCreated.set(context, time);
  return new Date(time);
}
