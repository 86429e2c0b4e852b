/**
 * What a run ran with beside what its instance would run with now: field by field, which
 * values changed, and which fields were added or removed since.
 *
 * "Now" is the instance's configuration with the experiment's current defaults applied,
 * as the server would hand it to a new run (`Runtime.config`): a field the experiment
 * added since, with a default, is a field the next run gets, so it reads as added.
 */

/** The slice of a configuration's JSON Schema read here. */
export interface ConfigShape {
  properties?: Record<string, ConfigShape>;
  items?: ConfigShape;
  default?: unknown;
}

/** How one field of the run's configuration compares with the instance's now. */
export type ConfigFieldKind = 'same' | 'changed' | 'added' | 'removed';

/** One field (a leaf: groups are walked into, lists compared whole). */
export interface ConfigField {
  /** `iterations`, `sampling.temperature`. */
  path: string;
  kind: ConfigFieldKind;
  /** What the run ran with (absent when `added`). */
  ran?: unknown;
  /** What the instance has now (absent when `removed`). */
  now?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality of JSON values; object keys in any order (Postgres' jsonb reorders them). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
}

/**
 * `value` with the schema's defaults filled in where a field is missing, at every level
 * (groups and list items too), as ajv's `useDefaults` does on the server. A new object.
 */
export function withSchemaDefaults(value: unknown, schema: ConfigShape | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return schema.items ? value.map((item) => withSchemaDefaults(item, schema.items)) : value;
  if (!isObject(value) || !schema.properties) return value;
  const filled: Record<string, unknown> = { ...value };
  for (const [key, property] of Object.entries(schema.properties)) {
    if (!(key in filled) && property.default !== undefined) filled[key] = structuredClone(property.default);
    if (key in filled) filled[key] = withSchemaDefaults(filled[key], property);
  }
  return filled;
}

/** Keys of both objects: the schema's order (the experiment's declaration order) first, then the run's, then the instance's. */
function keysOf(ran: Record<string, unknown>, now: Record<string, unknown>, schema: ConfigShape | undefined): string[] {
  const keys = new Set<string>();
  for (const key of Object.keys(schema?.properties ?? {})) if (key in ran || key in now) keys.add(key);
  for (const key of Object.keys(ran)) keys.add(key);
  for (const key of Object.keys(now)) keys.add(key);
  return [...keys];
}

function walk(ran: Record<string, unknown>, now: Record<string, unknown>, schema: ConfigShape | undefined, prefix: string, out: ConfigField[]): void {
  for (const key of keysOf(ran, now, schema)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const inRun = key in ran;
    const inNow = key in now;
    const [a, b] = [ran[key], now[key]];
    if (inRun && inNow && isObject(a) && isObject(b) && Object.keys(a).length + Object.keys(b).length > 0) {
      walk(a, b, schema?.properties?.[key], path, out);
    } else if (!inNow) out.push({ path, kind: 'removed', ran: a });
    else if (!inRun) out.push({ path, kind: 'added', now: b });
    else out.push({ path, kind: sameJson(a, b) ? 'same' : 'changed', ran: a, now: b });
  }
}

/**
 * The run's configuration field by field beside `instanceNow` (the instance's configuration,
 * the schema's defaults applied here). Without `instanceNow`, every field is `same`: nothing
 * to compare with.
 *
 * @example
 * compareConfiguration({ iterations: 3 }, { iterations: 6 })
 * // → [{ path: 'iterations', kind: 'changed', ran: 3, now: 6 }]
 */
export function compareConfiguration(ran: Record<string, unknown>, instanceNow: Record<string, unknown> | undefined, schema?: ConfigShape | null): ConfigField[] {
  const shape = schema ?? undefined;
  const now = instanceNow === undefined ? ran : withSchemaDefaults(instanceNow, shape);
  const out: ConfigField[] = [];
  walk(ran, isObject(now) ? now : {}, shape, '', out);
  return out;
}

/** The fields that differ (changed, added or removed). */
export function configurationChanges(ran: Record<string, unknown>, instanceNow: Record<string, unknown>, schema?: ConfigShape | null): ConfigField[] {
  return compareConfiguration(ran, instanceNow, schema).filter((field) => field.kind !== 'same');
}

/** A value as one line: strings as they are, everything else as JSON; `max` characters at most. */
export function showValue(value: unknown, max = 120): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One change in words: `iterations 3 → 6`, `label added`, `seed removed`. */
export function describeChange(field: ConfigField): string {
  if (field.kind === 'added') return `${field.path} added (${showValue(field.now, 40)})`;
  if (field.kind === 'removed') return `${field.path} removed (was ${showValue(field.ran, 40)})`;
  return `${field.path} ${showValue(field.ran, 40)} → ${showValue(field.now, 40)}`;
}
