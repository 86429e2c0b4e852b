/**
 * What a sweep form works out from its fields: which configuration fields can be swept, the
 * values chosen for each, the grid sent to `POST /api/sweeps`, how many combinations it
 * makes and what the instances will be called (`base · field=value · …`, as the server
 * names them).
 */
import { validateConfig } from '../../core/experiment/config-validator.ts';
import { expandGrid, formatGridValue, MAX_SWEEP_COMBINATIONS, parseGridValues, sweepInstanceName } from '../../core/experiment/sweep-grid.ts';
import { validatorLoading } from '../client/experiment-validators.ts';
import {
  getAt,
  kindOf,
  labelOf,
  parsePath,
  propertiesOf,
  setAt,
  type JSONSchema,
  type PropertySchema,
} from '../elements/config-form/config-model.ts';

/** The most combinations one sweep may have (the server refuses more). */
export const MAX_COMBINATIONS = MAX_SWEEP_COMBINATIONS;

/** How values are chosen: typed (numbers, text) or ticked (options, booleans). */
export type SweepFieldKind = 'integer' | 'number' | 'string' | 'options' | 'boolean';

/** A field a sweep can vary: a number, a text, an option or a boolean, in a group or not. */
export interface SweepField {
  /** `model`, `sampling.top_k`: the grid's key and the name's `field=`. */
  path: string;
  label: string;
  kind: SweepFieldKind;
  schema: PropertySchema;
  /** The choices of an options field (as strings, for checkboxes). */
  options: unknown[];
}

/** What the user chose for one field. */
export interface SweepFieldState {
  on: boolean;
  /** Typed values (numbers, text). */
  text: string;
  /** Ticked values (options, booleans). */
  picked: unknown[];
}

/** The fields of `schema` a sweep can vary, in the form's order (groups flattened as `group.field`). */
export function sweepFields(schema: JSONSchema | undefined, prefix = ''): SweepField[] {
  const fields: SweepField[] = [];
  for (const [name, property] of propertiesOf(schema)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const kind = kindOf(property);
    const label = prefix ? `${prefix} › ${labelOf(name, property)}` : labelOf(name, property);
    if (kind === 'group') fields.push(...sweepFields(property as JSONSchema, path));
    else if (kind === 'select') fields.push({ path, label, kind: 'options', schema: property, options: property.enum ?? [] });
    else if (kind === 'boolean') fields.push({ path, label, kind: 'boolean', schema: property, options: [true, false] });
    else if (kind === 'integer' || kind === 'number' || kind === 'string') fields.push({ path, label, kind, schema: property, options: [] });
  }
  return fields;
}

/** A field's state before the user touches it: off, holding the base configuration's value. */
export function initialState(field: SweepField, base: Record<string, unknown>): SweepFieldState {
  const value = getAt(base, parsePath(field.path));
  if (field.kind === 'boolean') return { on: false, text: '', picked: [true, false] };
  if (field.kind === 'options') return { on: false, text: '', picked: value === undefined ? [] : [value] };
  return { on: false, text: value === undefined || value === null ? '' : String(value), picked: [] };
}

/** The values chosen for a field, or why they cannot be used (each checked against the field's rules). */
export function fieldValues(
  field: SweepField,
  state: SweepFieldState,
  schema: JSONSchema,
  base: Record<string, unknown>,
): { values: unknown[]; errors: string[] } {
  let values: unknown[];
  if (field.kind === 'options' || field.kind === 'boolean') {
    // In the schema's order, whatever order they were ticked in.
    values = field.options.filter((option) => state.picked.includes(option));
    if (!values.length) return { values, errors: ['tick at least one value'] };
  } else {
    // The server's reading of typed values (core/experiment/sweep-grid.ts), as `athanor sweep --grid` reads them.
    const parsed = parseGridValues(state.text, { type: field.kind });
    if (!parsed.ok) return { values: [], errors: [parsed.error] };
    values = parsed.values;
  }
  // The precompiled validator is still on its way: the server checks, and so will the next render.
  if (validatorLoading(schema)) return { values, errors: [] };
  const path = parsePath(field.path);
  const errors = values.flatMap((value) => {
    const result = validateConfig(schema, setAt(base, path, value));
    return result.ok ? [] : result.errors.filter((e) => e.path === field.path).map((e) => e.message);
  });
  return { values, errors };
}

/** The grid (only fields switched on), the problems by field path, and the number of combinations. */
export function sweepGrid(
  fields: readonly SweepField[],
  states: ReadonlyMap<string, SweepFieldState>,
  schema: JSONSchema,
  base: Record<string, unknown>,
): { grid: Record<string, unknown[]>; errors: Map<string, string[]>; combinations: number } {
  const grid: Record<string, unknown[]> = {};
  const errors = new Map<string, string[]>();
  let combinations = 1;
  for (const field of fields) {
    const state = states.get(field.path);
    if (!state?.on) continue;
    const chosen = fieldValues(field, state, schema, base);
    if (chosen.errors.length) errors.set(field.path, chosen.errors);
    grid[field.path] = chosen.values;
    combinations *= chosen.values.length;
  }
  return { grid, errors, combinations: Object.keys(grid).length ? combinations : 0 };
}

/** A value as the instance names write it. */
export const nameValue = formatGridValue;

/** The first `max` instance names of the grid, in the order the server creates them (the first field varies slowest). */
export function previewNames(base: string, grid: Record<string, unknown[]>, max: number): string[] {
  // At most 1,000 combinations get this far: expanding them all is cheap.
  return expandGrid(grid)
    .slice(0, max)
    .map((assignment) => sweepInstanceName(base, assignment));
}

/** The most runs the compare page shows side by side. */
export const MAX_COMPARED = 20;

/** The most instances a runs table link filters on by id (a longer URL is refused by some servers and proxies). */
const MAX_FILTERED_INSTANCES = 100;

/**
 * Where a started sweep is watched, live: its one run; the comparison of its runs (2 to
 * {@link MAX_COMPARED}); beyond that the experiment's runs table filtered to the sweep's
 * instances (the whole table, newest first, past {@link MAX_FILTERED_INSTANCES}: it showed
 * the experiment's older runs too).
 */
export function sweepDestination(runIds: readonly string[], experiment: string, instanceIds: readonly string[] = []): string {
  if (runIds.length === 1) return `/runs/${encodeURIComponent(runIds[0]!)}`;
  if (runIds.length <= MAX_COMPARED) return `/compare?runs=${runIds.map(encodeURIComponent).join(',')}`;
  const table = `/experiments/by-name/${encodeURIComponent(experiment)}/runs`;
  if (instanceIds.length === 0 || instanceIds.length > MAX_FILTERED_INSTANCES) return table;
  return `${table}?${new URLSearchParams({ filter: `instance=${instanceIds.join('|')}` })}`;
}
