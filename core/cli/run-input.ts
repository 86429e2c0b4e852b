/**
 * What `athanor run` checks before anything is written, the same whether the run happens
 * here or in the workbench that holds the database: the experiment exists and loads, and
 * the `--set` pairs make a valid configuration.
 */
import { ConfigValidationError, validateConfig, type JSONSchema } from '../experiment/index.ts';
import { didYouMean } from '../experiment/closest-name.ts';
import { InputError } from '../errors.ts';
import { checkName } from '../experiments/instance-name.ts';
import type { ExperimentEntry } from '../../plugins/experiment-registry.ts';
import { formatLocation } from '../../plugins/loader/load-error-mapper.ts';
import { parseSetOptions } from './set-options.ts';

import { RUN_USAGE } from './usage.ts';

export { RUN_USAGE };

/** What `athanor run` was asked. */
export interface RunRequest {
  experiment: string | undefined;
  sets: string[];
  instance: string | undefined;
  json: boolean;
}

/** What the check needs of a listed experiment (a registry entry, or one from `GET /api/experiments`). */
export interface RunnableEntry {
  name: string;
  schema: JSONSchema | null;
  /** Why it did not load, and where (as `athanor list` says it). */
  error?: { message: string; file?: string; line?: number; column?: number };
}

/** The entry of experiment `name`, ready to run; an InputError naming the closest known name otherwise. */
export function checkExperiment<E extends RunnableEntry>(entries: readonly E[], name: string | undefined, usage: string): E & { schema: JSONSchema } {
  if (!name) throw new InputError(`which experiment? ${usage}`);
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    const known = entries.map((e) => e.name);
    const suggestion = didYouMean(name, known);
    const list = known.join(', ') || 'none';
    throw new InputError(`unknown experiment "${name}"${suggestion ? `${suggestion} (known: ${list})` : `; known: ${list}`}`);
  }
  if (entry.error || !entry.schema) {
    const where = entry.error ? formatLocation(entry.error) : '';
    throw new InputError(`experiment "${name}" cannot run: ${where ? `${where}: ` : ''}${entry.error?.message ?? 'it did not load'}`);
  }
  return entry as E & { schema: JSONSchema };
}

/** The validated configuration (defaults applied) that `--set` pairs make for `schema`. */
export function configurationFrom(schema: JSONSchema, configuration: Record<string, unknown>, experiment: string): Record<string, unknown> {
  // No ajv coercion: --set converts bare scalars itself, strictly, and JSON is taken as the API takes it.
  const result = validateConfig<Record<string, unknown>>(schema, configuration);
  if (!result.ok) throw new ConfigValidationError(result.errors, `configuration for "${experiment}"`);
  return result.value;
}

/**
 * `--set` does not change an existing instance: a run from the command line runs the
 * instance as saved. Changing it is an edit (a new version, with its history), made in the
 * workbench or with `PATCH /api/instances/:id`.
 */
export function refuseSetsOnExisting(instanceName: string, sets: readonly string[]): void {
  if (sets.length > 0) {
    throw new InputError(
      `--set cannot change instance "${instanceName}", which exists: edit it in the workbench (each save is a new version) and run it, or give a new --instance name to make one with these values`,
    );
  }
}

/** The name of an instance the CLI creates when no `--instance` is given. */
export const cliInstanceName = () => `cli ${new Date().toISOString()}`;

/** What is checked before anything is written: the experiment, and a new instance's configuration. */
export interface CheckedRequest {
  entry: ExperimentEntry & { schema: JSONSchema };
  /** The validated configuration of the instance to create; undefined when `--instance` may name one that exists. */
  configuration: Record<string, unknown> | undefined;
}

export function checkRequest(entries: readonly ExperimentEntry[], request: RunRequest): CheckedRequest {
  if (request.instance !== undefined) checkName(request.instance, '--instance');
  const entry = checkExperiment(entries, request.experiment, RUN_USAGE);
  // An existing instance keeps its snapshot (and refuses --set): that is for the database to tell.
  const configuration = request.instance === undefined ? newInstanceConfiguration(entry, request) : undefined;
  return { entry, configuration };
}

/** The validated configuration (defaults applied) of a new instance of `entry` with the request's `--set` pairs. */
export function newInstanceConfiguration(entry: RunnableEntry & { schema: JSONSchema }, request: Pick<RunRequest, 'sets'>): Record<string, unknown> {
  return configurationFrom(entry.schema, parseSetOptions(request.sets, entry.schema), entry.name);
}
