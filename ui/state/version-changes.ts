/**
 * What changed from one saved state of an instance to the next, as its history lists it:
 * the name, the description, and each configuration value that differs, by its flattened
 * path (`sampling.top_k`, `items[2].text`).
 */
import type { InstanceVersion } from '../../core/records.ts';

export interface VersionChange {
  /** `name`, `description`, or a configuration path. */
  field: string;
  /** The instance's own field, or a value of its configuration. */
  kind: 'instance' | 'configuration';
  /** The value before; absent when the field is new in this version (`added`). */
  before?: unknown;
  /** The value after; absent when the field was removed (`removed`). */
  after?: unknown;
  added: boolean;
  removed: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `a.b`, or `a["odd key"]` for a key that is not a plain name. */
const join = (path: string, key: string) => (/^[A-Za-z_$][\w$-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);

/** Every leaf value of a configuration by its path; an empty object or list is a leaf. */
export function flattenConfiguration(value: unknown, path = '', into = new Map<string, unknown>()): Map<string, unknown> {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flattenConfiguration(inner, join(path, key), into);
  } else if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, i) => flattenConfiguration(item, `${path}[${i}]`, into));
  } else if (path !== '') {
    into.set(path, value);
  }
  return into;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The changes from `before` to `after`: name and description first, then configuration
 * paths in `after`'s order, then the paths `after` no longer has. No `before` (the first
 * version): no changes.
 */
export function versionChanges(before: InstanceVersion | undefined, after: InstanceVersion): VersionChange[] {
  if (!before) return [];
  const changes: VersionChange[] = [];
  for (const field of ['name', 'description'] as const) {
    if (before[field] !== after[field]) changes.push({ field, kind: 'instance', before: before[field], after: after[field], added: false, removed: false });
  }
  const old = flattenConfiguration(before.configuration);
  const now = flattenConfiguration(after.configuration);
  for (const [field, value] of now) {
    if (!old.has(field)) changes.push({ field, kind: 'configuration', after: value, added: true, removed: false });
    else if (!same(old.get(field), value)) changes.push({ field, kind: 'configuration', before: old.get(field), after: value, added: false, removed: false });
  }
  for (const [field, value] of old) {
    if (!now.has(field)) changes.push({ field, kind: 'configuration', before: value, added: false, removed: true });
  }
  return changes;
}
