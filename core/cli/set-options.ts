/**
 * `athanor run --set key=value` pairs → a configuration to validate as the HTTP API does,
 * without ajv's type coercion (which converts everywhere: `[{"text":5}]` became `["5"]`
 * and `0x10` became 16).
 *
 * - A value that is JSON — a list, an object or a quoted string — is taken as parsed.
 * - A bare value is converted for its field's type, strictly: an integer from plain decimal
 *   digits with an optional sign, a float from decimal or exponent notation (`0.5`, `1e-3`),
 *   a boolean from `true` or `false`; other fields take the text. A value that does not
 *   convert stays text, so the validator names it in its own words
 *   (`config.iterations: "0x10" is not an integer`); a number with a fraction for an
 *   integer field is that number (`config.iterations: 5.5 is not an integer`).
 * - Dotted keys reach into groups (`sampling.temperature=0.5`).
 * - `__proto__`, `prototype` and `constructor` are refused as key segments: on a plain
 *   object they reach JavaScript's prototypes (`__proto__.x=1` set `x` on every object in
 *   the process), never a field.
 */
import type { JSONSchema } from '../experiment/index.ts';
import { InputError } from '../errors.ts';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const LOOKS_LIKE_JSON = /^\s*[[{"]/;
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The JSON Schema `type` of the field at `path` (through groups), if the schema has one. */
function fieldType(schema: JSONSchema, path: readonly string[]): unknown {
  let node: JSONSchema | undefined = schema;
  for (const key of path) {
    const properties = node?.properties as Record<string, JSONSchema> | undefined;
    node = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
  }
  return node?.type;
}

/** A bare value as its field's type when it is written strictly so; else the text itself. */
function convertScalar(text: string, type: unknown): unknown {
  switch (type) {
    case 'integer': {
      if (INTEGER.test(text)) return Number(text);
      // A number with a fraction (5.5) is refused as the number it is, not as text ("5.5").
      const value = NUMBER.test(text) ? Number(text) : NaN;
      return Number.isFinite(value) && !Number.isInteger(value) ? value : text;
    }
    case 'number': {
      const value = NUMBER.test(text) ? Number(text) : NaN;
      return Number.isFinite(value) ? value : text;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function parseValue(raw: string, text: string, type: unknown): unknown {
  if (!LOOKS_LIKE_JSON.test(text)) return convertScalar(text, type);
  try {
    return JSON.parse(text);
  } catch (error) {
    // A text field may well start with a bracket (`title=[draft] first try`).
    if (type === 'string') return text;
    throw new InputError(`--set ${raw}: the value looks like JSON but does not parse (${(error as Error).message})`);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, raw: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) node = node[key] = {} as Record<string, unknown>;
    else if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Record<string, unknown>;
    else throw new InputError(`--set ${raw}: "${key}" already has a value that is not a group`);
  }
  node[path[path.length - 1]!] = value;
}

/**
 * `--set key=value` pairs → a configuration for `schema` (the experiment's JSON Schema), to
 * be validated without coercion. Throws an InputError for a pair that is not `key=value`.
 *
 * @example
 * parseSetOptions(['iterations=5', 'sampling.top_k=10', 'prompts=[{"text":"hi"}]'], schema)
 * // { iterations: 5, sampling: { top_k: 10 }, prompts: [{ text: 'hi' }] }
 */
export function parseSetOptions(pairs: readonly string[], schema: JSONSchema): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const raw of pairs) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new InputError(`--set expects key=value, got ${JSON.stringify(raw)}`);
    const key = raw.slice(0, eq);
    // The last would win silently, as a --grid given twice is refused.
    if (given.has(key)) throw new InputError(`--set ${key} is given twice (${given.get(key)} and ${raw}): give each field once`);
    given.set(key, raw);
    const path = key.split('.');
    if (path.some((part) => part === '')) throw new InputError(`--set ${raw}: "${key}" is not a field name`);
    const forbidden = path.find((part) => FORBIDDEN_KEYS.has(part));
    if (forbidden !== undefined) {
      throw new InputError(
        `--set ${raw}: "${forbidden}" cannot be a key: __proto__, prototype and constructor would reach into JavaScript's objects, not a field`,
      );
    }
    setPath(config, path, parseValue(raw, raw.slice(eq + 1), fieldType(schema, path)), raw);
  }
  return config;
}
