/**
 * Sweeps: one instance per combination of a grid of field values over a base
 * configuration, each with a pending run (the workbench starts them; its supervisor
 * queues what is over its limit).
 *
 * Everything is checked before anything is written: the grid's fields and values, its
 * size, every combination against the experiment's schema, and every instance name. Then
 * the instances, their first versions and their runs are inserted in one transaction, a
 * few multi-row statements rather than three per combination.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ConfigValidationError, validateConfig, type ConfigError, type JSONSchema } from '../experiment/index.ts';
import { didYouMean } from '../experiment/closest-name.ts';
import {
  applyAssignment,
  describeAssignment,
  expandGrid,
  formatGridValue,
  gridSize,
  MAX_SWEEP_COMBINATIONS,
  repeatedValue,
  sweepableFields,
  sweepInstanceName,
  type GridAssignment,
} from '../experiment/sweep-grid.ts';
import { ConflictError, InputError } from '../errors.ts';
import type { NewSweep, RunOrigin, SweepResult } from '../records.ts';
import { checkDescription, checkFields, checkName } from './instances.ts';
import { toInstance, toRun } from './row-mappers.ts';
import { agentOf } from './runs.ts';
import { creationTime, definitionOf, type ServiceContext } from './service-context.ts';

/** Distinct problems listed in a refusal (each names the combinations it occurs in). */
const LISTED_PROBLEMS = 20;
/** Rows per insert statement. */
const CHUNK = 500;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The grid, checked against the schema's sweepable fields: 422 naming each unknown field, empty list or repeated value. */
function checkGrid(grid: unknown, schema: JSONSchema, experiment: string): Record<string, unknown[]> {
  if (!isObject(grid) || Object.keys(grid).length === 0) {
    throw new InputError(`grid must be an object of field → list of values, with at least one field, got ${JSON.stringify(grid ?? null)}`);
  }
  const fields = sweepableFields(schema).map((field) => field.path);
  const errors: ConfigError[] = [];
  for (const [path, values] of Object.entries(grid)) {
    const inGroup = fields.filter((field) => field.startsWith(`${path}.`));
    if (inGroup.length > 0) {
      errors.push({ path, message: `grid.${path} is a group: sweep its fields (${inGroup.join(', ')})` });
    } else if (!fields.includes(path)) {
      errors.push({ path, message: `grid.${path} is not a field of this experiment${didYouMean(path, fields)} (fields: ${fields.join(', ') || 'none'})` });
    } else if (!Array.isArray(values) || values.length === 0) {
      errors.push({ path, message: `grid.${path} must be a list of at least one value, got ${JSON.stringify(values)}` });
    } else if (repeatedValue(values) !== undefined) {
      errors.push({ path, message: `grid.${path}: ${formatGridValue(repeatedValue(values))} is given twice` });
    }
  }
  if (errors.length > 0) throw new ConfigValidationError(errors, `sweep of "${experiment}"`);
  return grid as Record<string, unknown[]>;
}

function checkSize(grid: Record<string, unknown[]>): number {
  const size = gridSize(grid);
  if (size > MAX_SWEEP_COMBINATIONS) {
    const factors = Object.entries(grid).map(([path, values]) => `${values.length} ${path}`).join(' × ');
    throw new InputError(`the grid has ${size} combinations (${factors}), more than the ${MAX_SWEEP_COMBINATIONS} a sweep may have: sweep fewer values`);
  }
  return size;
}

/**
 * Each combination's configuration, validated (defaults applied). Refuses with a 422 that
 * lists each distinct problem once, with the combinations it occurs in.
 */
function validateCombinations(schema: JSONSchema, base: Record<string, unknown>, combinations: GridAssignment[], experiment: string) {
  // One problem per rule a grid field's values break, with the values that break it: a range
  // past a maximum (1..300 for at most 100) was 200 problems, one per value.
  const problems = new Map<string, { error: ConfigError; first: GridAssignment; count: number; values: unknown[]; rule?: string }>();
  const configurations = combinations.map((assignment) => {
    const result = validateConfig<Record<string, unknown>>(schema, applyAssignment(base, assignment));
    if (result.ok) return result.value;
    for (const error of result.errors) {
      const varied = Object.hasOwn(assignment, error.path) ? { value: assignment[error.path] } : undefined;
      const shown = varied && `config.${error.path}: ${JSON.stringify(varied.value)} `;
      const rule = shown && error.message.startsWith(shown) ? error.message.slice(shown.length) : undefined;
      const key = rule ? `${error.path}\0${rule}` : error.message;
      const seen = problems.get(key);
      if (seen) {
        seen.count++;
        if (varied && !seen.values.some((value) => isDeepStrictEqual(value, varied.value))) seen.values.push(varied.value);
      } else {
        problems.set(key, { error, first: assignment, count: 1, values: varied ? [varied.value] : [], ...(rule ? { rule } : {}) });
      }
    }
    return undefined;
  });
  if (problems.size === 0) return configurations as Record<string, unknown>[];
  const total = combinations.length;
  const where = (first: GridAssignment, count: number) =>
    count === total && total > 1 ? 'in every combination'
    : count === 1 ? `in the combination ${describeAssignment(first)}`
    : `in ${count} of ${total} combinations, such as ${describeAssignment(first)}`;
  const message = ({ error, values, rule }: { error: ConfigError; values: unknown[]; rule?: string }) => {
    if (!rule || values.length < 2) return error.message;
    const listed = values.length <= 4 ? values.map((v) => JSON.stringify(v)).join(', ') : `${values.slice(0, 3).map((v) => JSON.stringify(v)).join(', ')}, … ${JSON.stringify(values[values.length - 1])}`;
    return `config.${error.path}: ${values.length} values (${listed}) ${rule.replace(/^is /, 'are ')}`;
  };
  const errors = [...problems.values()]
    .slice(0, LISTED_PROBLEMS)
    .map((problem) => ({ path: problem.error.path, message: `${message(problem)} (${where(problem.first, problem.count)})` }));
  if (problems.size > LISTED_PROBLEMS) errors.push({ path: '', message: `and ${problems.size - LISTED_PROBLEMS} more problems` });
  throw new ConfigValidationError(errors, `sweep of "${experiment}"`);
}

/** Refuses (409) names some instance of the experiment already has, naming them. */
async function checkNamesFree(context: ServiceContext, experiment: string, names: string[]): Promise<void> {
  const taken: string[] = [];
  for (let start = 0; start < names.length; start += CHUNK) {
    const rows = await context.database.db
      .selectFrom('instances')
      .select('name')
      .where('experiment', '=', experiment)
      .where('name', 'in', names.slice(start, start + CHUNK))
      .execute();
    taken.push(...rows.map((row) => row.name));
  }
  if (taken.length === 0) return;
  const order = new Map(names.map((name, i) => [name, i]));
  taken.sort((a, b) => order.get(a)! - order.get(b)!); // in the sweep's order
  const shown = taken.slice(0, 5).map((name) => JSON.stringify(name)).join(', ');
  const more = taken.length > 5 ? ` and ${taken.length - 5} more` : '';
  throw new ConflictError(
    `${taken.length === 1 ? 'an instance' : `${taken.length} instances`} of "${experiment}" already ${taken.length === 1 ? 'has the name' : 'have the names'} ${shown}${more}: give the sweep another name`,
  );
}

/**
 * Checks a sweep against the definitions alone (nothing is read or written): its
 * combinations' configurations and instance names. `athanor sweep` calls it before it opens
 * a database; whether the names are free is the database's to say.
 */
export function planSweep(context: Pick<ServiceContext, 'definitions'>, input: NewSweep) {
  if (!isObject(input)) throw new InputError('expected an object {experiment, name, configuration?, grid}');
  checkFields(input, ['experiment', 'name', 'description', 'configuration', 'grid'], 'a sweep');
  const definition = definitionOf(context, input.experiment);
  const name = checkName(input.name);
  const description = checkDescription(input.description);
  if (input.configuration !== undefined && !isObject(input.configuration)) {
    throw new InputError(`configuration must be an object of field values (the base of every combination), got ${JSON.stringify(input.configuration)}`);
  }
  const grid = checkGrid(input.grid, definition.schema, definition.name);
  checkSize(grid);
  const combinations = expandGrid(grid);
  const configurations = validateCombinations(definition.schema, input.configuration ?? {}, combinations, definition.name);
  const names = combinations.map((assignment) => checkName(sweepInstanceName(name, assignment)));
  const twice = names.find((candidate, i) => names.indexOf(candidate) !== i);
  if (twice !== undefined) throw new InputError(`two combinations would both be named ${JSON.stringify(twice)}: make the grid's values read differently`);
  return { experiment: definition.name, description, names, configurations, retries: definition.retries ?? 0 };
}

/**
 * Creates a sweep's instances, each with one pending run, in grid order (the first field
 * varying slowest). Throws before writing anything for bad input: 400, 404, 409 or 422
 * naming the field, value, combination or name.
 */
export async function createSweep(context: ServiceContext, input: NewSweep, origin?: RunOrigin): Promise<SweepResult> {
  const agent = agentOf(origin);
  const plan = planSweep(context, input);
  await checkNamesFree(context, plan.experiment, plan.names);
  // Each its own creation time, in the grid's order: listed newest first, they keep it.
  const instanceRows = plan.names.map((name, i) => {
    const created = creationTime(context);
    return {
      id: randomUUID(),
      experiment: plan.experiment,
      name,
      description: plan.description,
      configuration: JSON.stringify(plan.configurations[i]),
      created_at: created,
      updated_at: created,
      version: 1,
    };
  });
  const runRows = instanceRows.map((instance) => ({
    id: randomUUID(),
    instance_id: instance.id,
    status: 'pending' as const,
    options: '{}',
    created_at: creationTime(context),
    instance_version: 1,
    agent,
    retries: plan.retries,
  }));
  const chunks = <T>(rows: T[]) => Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));
  const written = await context.database.db
    .transaction()
    .execute(async (trx) => {
      const instances = [];
      const runs = [];
      for (const chunk of chunks(instanceRows)) instances.push(...(await trx.insertInto('instances').values(chunk).returningAll().execute()));
      for (const chunk of chunks(instanceRows)) {
        await trx
          .insertInto('instance_versions')
          .values(chunk.map((row) => ({ instance_id: row.id, version: 1, name: row.name, description: row.description, configuration: row.configuration, created_at: row.created_at })))
          .execute();
      }
      for (const chunk of chunks(runRows)) runs.push(...(await trx.insertInto('runs').values(chunk).returningAll().execute()));
      return { instances, runs };
    })
    .catch((error: unknown) => {
      // Another request took one of the names since the check (the unique key refused it).
      if ((error as { code?: unknown })?.code === '23505') throw new ConflictError(`an instance of "${plan.experiment}" took one of the sweep's names meanwhile: try again`);
      throw error;
    });
  const order = new Map<string, number>(instanceRows.map((row, i) => [row.id, i]));
  const runs = written.runs.map(toRun).sort((a, b) => order.get(a.instanceId)! - order.get(b.instanceId)!);
  const instances = written.instances
    .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
    .map((row, i) => toInstance(row, { pending: 1, running: 0, completed: 0, failed: 0, cancelled: 0, total: 1 }, runs[i]!.createdAt));
  return { instances, runs };
}
