/**
 * Strict JSON encoding for results and metadata. `JSON.stringify` quietly turns NaN into
 * null and drops functions; a result must round-trip exactly, so anything that would not
 * is an error naming where it is.
 */

/** Thrown when a value is not plain JSON; `path` locates the bad part (`key.a[2]`). */
export class NotJsonError extends TypeError {
  override readonly name = 'NotJsonError';
  readonly code = 'ERR_NOT_JSON';
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`${path} is not JSON: ${problem}`);
    this.path = path;
  }
}

function check(value: unknown, path: string, seen: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, `${value} is not a finite number`);
      return;
    case 'bigint':
      throw new NotJsonError(path, `${value}n is a BigInt (convert it to a number or a string)`);
    case 'undefined':
      throw new NotJsonError(path, 'undefined has no JSON form (use null)');
    case 'function':
    case 'symbol':
      throw new NotJsonError(path, `a ${typeof value} has no JSON form`);
  }
  if (value === null) return;
  const object = value as object;
  if (seen.has(object)) throw new NotJsonError(path, 'it contains a cycle');
  seen.add(object);
  if (Array.isArray(object)) {
    object.forEach((item, i) => check(item, `${path}[${i}]`, seen));
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      if (object instanceof Date) throw new NotJsonError(path, 'a Date (use date.toISOString())');
      throw new NotJsonError(path, `a ${proto?.constructor?.name ?? 'class'} instance (use a plain object)`);
    }
    for (const [key, item] of Object.entries(object)) check(item, `${path}.${key}`, seen);
  }
  seen.delete(object);
}

/** Encodes a value as JSON text, or throws a NotJsonError naming `label` and the bad part. */
export function toJsonText(value: unknown, label: string): string {
  check(value, label, new Set());
  const text = JSON.stringify(value);
  // Postgres' jsonb cannot hold U+0000: it becomes U+FFFD, the replacement character.
  return text.includes('\\u0000') ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : text;
}

/** Postgres text cannot hold NUL nor a lone surrogate: each becomes U+FFFD. */
export function toStorableText(text: string): string {
  const clean = text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
  return LONE_SURROGATE.test(clean) ? clean.replace(LONE_SURROGATE_ALL, '\uFFFD') : clean;
}

const LONE_SURROGATE_SOURCE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE);
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE_SOURCE, 'g');

/** A NUL or a lone surrogate written as a JSON escape (jsonb refuses both). */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return toStorableText(value);
  if (Array.isArray(value)) return value.map(storableValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [toStorableText(key), storableValue(item)]));
  }
  return value;
}

/**
 * JSON text that Postgres' jsonb takes: NUL and lone surrogates in its strings and keys
 * become U+FFFD. Text without such an escape (nearly all) is returned as it is.
 */
export function toStorableJson(text: string): string {
  return UNSTORABLE_ESCAPE.test(text) ? JSON.stringify(storableValue(JSON.parse(text))) : text;
}
