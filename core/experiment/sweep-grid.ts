/**
 * Sweep grids: the fields of a schema a sweep can vary (flattened through groups as
 * `sampling.top_k`), the values people type for one (`0.1,0.5`, `0.1..0.5:0.2`,
 * `1..10 step 3`, `true,false`, `small,large`, or a JSON list), and a grid's combinations
 * and the names of their instances.
 *
 * Browser-safe (no Node modules): the CLI's `--grid`, the server and the UI's sweep form
 * read values and name combinations with this same code.
 *
 * @example
 * parseGridValues('0.1..0.5:0.2', { type: 'number' })  // { ok: true, values: [0.1, 0.3, 0.5] }
 * expandGrid({ model: ['small', 'large'], temperature: [0.1, 0.5] }).length  // 4
 * sweepInstanceName('baseline', { model: 'large', temperature: 0.3 })  // 'baseline · model=large · temperature=0.3'
 */
import { readsAsBlank } from './blank-text.ts';
import type { JSONSchema } from './config-schema.ts';

/** The most combinations one sweep may have. */
export const MAX_SWEEP_COMBINATIONS = 1000;

/** A field a sweep can vary: a scalar field or a list, at its flattened path. */
export interface SweepField {
  /** Dotted through groups: `sampling.top_k`. */
  path: string;
  /** Its JSON Schema type: `integer`, `number`, `string`, `boolean` or `array`. */
  type: string;
  /** The values a field with options takes. */
  options?: readonly unknown[];
  label?: string;
}

/** Values read for a grid field, or why they could not be. */
export type GridValues = { ok: true; values: unknown[] } | { ok: false; error: string };

/** One combination of a grid: field path → value, in the grid's field order. */
export type GridAssignment = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every field of `schema` a sweep can vary, in declaration order: scalar fields and lists,
 * reached through groups (a group itself is not one: its fields are).
 */
export function sweepableFields(schema: JSONSchema, prefix = ''): SweepField[] {
  const properties = (schema.properties ?? {}) as Record<string, JSONSchema>;
  return Object.entries(properties).flatMap(([name, property]): SweepField[] => {
    const path = prefix ? `${prefix}.${name}` : name;
    if (property.type === 'object' && isObject(property.properties)) return sweepableFields(property, path);
    return [
      {
        path,
        type: String(property.type),
        ...(Array.isArray(property.enum) ? { options: property.enum } : {}),
        ...(typeof property.title === 'string' ? { label: property.title } : {}),
      },
    ];
  });
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NUM = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
/** `from..to`, `from..to:step` or `from..to step s`. */
const RANGE = new RegExp(`^(${NUM})\\s*\\.\\.\\s*(${NUM})(?:\\s*(?::|\\s+step\\s+)\\s*(${NUM}))?$`, 'i');

/** Decimal places of `value` as written (`0.25` → 2, `1e-3` → 3), at most 15. */
function decimals(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const places = (mantissa.split('.')[1]?.length ?? 0) - Number(exponent);
  return Math.min(15, Math.max(0, places));
}

/** A step that divides `from..to` into about four. */
const niceStep = (from: number, to: number) => Number((Math.abs(to - from) / 4).toPrecision(1));

/** `from..to` by `step`, `to` included when a step lands on it; numbers rounded to the places the bounds and step are written with. */
function expandRange(text: string, from: number, to: number, step: number): GridValues {
  if (step === 0) return { ok: false, error: `${text}: the step must not be 0` };
  if (from !== to && Math.sign(to - from) !== Math.sign(step)) {
    return { ok: false, error: `${text}: a step of ${step} never reaches ${to} from ${from}` };
  }
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_SWEEP_COMBINATIONS) {
    return { ok: false, error: `${text} gives ${count} values, more than the ${MAX_SWEEP_COMBINATIONS} a sweep may have` };
  }
  const places = Math.max(decimals(from), decimals(step));
  return { ok: true, values: Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(places))) };
}

/** One typed-in item as the field's type (unknown type: a number, a boolean, else the text). */
function readItem(item: string, type: string | undefined): { value: unknown } | { error: string } {
  const numeric = type === 'integer' || type === 'number';
  if (numeric || type === undefined) {
    const value = NUMBER.test(item) ? Number(item) : NaN;
    if (type === 'integer' && Number.isFinite(value) && !Number.isInteger(value)) return { error: `${item} is not an integer` };
    if (Number.isFinite(value)) return { value };
    if (numeric) return { error: `${JSON.stringify(item)} is not a number` };
  }
  if (type === 'boolean' || type === undefined) {
    if (item === 'true' || item === 'false') return { value: item === 'true' };
    if (type === 'boolean') return { error: `${JSON.stringify(item)} is not true or false` };
  }
  return { value: item };
}

/** The first value of a list given twice (compared as JSON), or undefined when each is given once. */
export function repeatedValue(values: readonly unknown[]): unknown {
  const seen = new Set<string>();
  for (const value of values) {
    const key = JSON.stringify(value);
    if (seen.has(key)) return value;
    seen.add(key);
  }
  return undefined;
}

/**
 * The values typed for a grid field of type `field.type` (a JSON Schema type; unknown
 * fields read numbers and booleans as such): a JSON list (`["a,b", "c"]`, any type), a
 * numeric range `from..to:step` or `from..to step s` (step 1 when left out; `to` included
 * when a step lands on it), or a comma-separated list. A value given twice is refused.
 */
export function parseGridValues(text: string, field: { type?: string } = {}): GridValues {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'no values: give a list (a,b), a range (from..to:step) or a JSON list' };
  let values: unknown[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      return { ok: false, error: `${trimmed} looks like a JSON list but does not parse (${(error as Error).message})` };
    }
    if (!Array.isArray(parsed) || parsed.length === 0) return { ok: false, error: `${trimmed} must be a JSON list of at least one value` };
    values = parsed;
  } else {
    const range = field.type === 'string' || field.type === 'boolean' ? null : RANGE.exec(trimmed);
    if (range) {
      // `0.1..0.5` with the default step of 1 would sweep 0.1 alone: surely not what was meant.
      if (range[3] === undefined && Number(range[1]) !== Number(range[2]) && Math.abs(Number(range[2]) - Number(range[1])) < 1) {
        return { ok: false, error: `${trimmed} has no step, and the default step of 1 gives one value: write ${trimmed}:STEP, e.g. ${trimmed}:${niceStep(Number(range[1]), Number(range[2]))}` };
      }
      const expanded = expandRange(trimmed, Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3]));
      if (!expanded.ok) return expanded;
      const fraction = field.type === 'integer' ? expanded.values.find((value) => !Number.isInteger(value)) : undefined;
      if (fraction !== undefined) return { ok: false, error: `${trimmed} gives ${fraction}, which is not an integer` };
      values = expanded.values;
    } else {
      values = [];
      for (const item of trimmed.split(',').map((part) => part.trim())) {
        if (item === '') return { ok: false, error: `${trimmed}: an empty value between commas (a JSON list can hold an empty text)` };
        const read = readItem(item, field.type);
        if ('error' in read) return { ok: false, error: read.error };
        values.push(read.value);
      }
    }
  }
  const repeated = repeatedValue(values);
  if (repeated !== undefined) return { ok: false, error: `${formatGridValue(repeated)} is given twice` };
  return { ok: true, values };
}

/** How many combinations a grid has (the product of its lists' lengths; 0 for no fields). */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>): number {
  const lists = Object.values(grid);
  return lists.length === 0 ? 0 : lists.reduce((size, values) => size * values.length, 1);
}

/**
 * Every combination of the grid's values, the first field varying slowest
 * (`{a: [1, 2], b: [3, 4]}` → a=1 b=3, a=1 b=4, a=2 b=3, a=2 b=4).
 */
export function expandGrid(grid: Readonly<Record<string, readonly unknown[]>>): GridAssignment[] {
  const fields = Object.entries(grid);
  if (fields.length === 0) return [];
  return fields.reduce<GridAssignment[]>(
    (combinations, [path, values]) => combinations.flatMap((combination) => values.map((value) => ({ ...combination, [path]: value }))),
    [{}],
  );
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `base` with each assigned path set (through groups, made when missing); `base` is not changed. */
export function applyAssignment(base: Readonly<Record<string, unknown>>, assignment: GridAssignment): Record<string, unknown> {
  const result = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(assignment)) {
    const parts = path.split('.');
    let node = result;
    for (const part of parts.slice(0, -1)) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (isObject(next)) node = next;
      else {
        const group: Record<string, unknown> = {};
        setOwn(node, part, group);
        node = group;
      }
    }
    setOwn(node, parts[parts.length - 1]!, structuredClone(value));
  }
  return result;
}

/** A value as instance names and tables show it: text as it is (quoted when only spaces or none: `prompt=""`), anything else as JSON. */
export function formatGridValue(value: unknown): string {
  return typeof value === 'string' && !readsAsBlank(value) ? value : (JSON.stringify(value) ?? String(value));
}

/** `field=value` for each field of a combination, joined with ` · `. */
export function describeAssignment(assignment: GridAssignment): string {
  return Object.entries(assignment)
    .map(([path, value]) => `${path}=${formatGridValue(value)}`)
    .join(' · ');
}

/** The name of a sweep's instance for one combination: `baseline · model=large · temperature=0.3`. */
export function sweepInstanceName(name: string, assignment: GridAssignment): string {
  const described = describeAssignment(assignment);
  return described ? `${name} · ${described}` : name;
}
