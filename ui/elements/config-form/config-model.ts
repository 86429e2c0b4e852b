/**
 * The configuration form's model: reading an experiment's JSON Schema (as
 * `ConfigSchema.toJSONSchema()` writes it) into fields, building a value with its defaults,
 * carrying values over when the schema changes, and addressing values by path.
 *
 * Paths are arrays (`['prompts', 0, 'text']`); their text form is the validator's
 * (`prompts[0].text`), so an error's `path` names the field it belongs to.
 */
import type { JSONSchema } from '../../../core/experiment/config-schema.ts';

export type { JSONSchema };

export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

/** The part of a property's JSON Schema the form reads. */
export interface PropertySchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  'x-step'?: { step: number; base: number };
  items?: JSONSchema;
  properties?: Record<string, JSONSchema>;
  required?: string[];
}

/** How a property is shown. */
export type PropertyKind = 'integer' | 'number' | 'string' | 'boolean' | 'select' | 'text-area' | 'list' | 'group';

/** Formats that read better in a multi-line text area. */
export const TEXT_AREA_FORMATS: readonly string[] = ['textarea', 'multiline', 'code', 'markdown'];

export function kindOf(schema: PropertySchema): PropertyKind {
  if (schema.type === 'array') return 'list';
  if (schema.type === 'object') return 'group';
  if (Array.isArray(schema.enum)) return 'select';
  if (schema.type === 'string' && schema.format && TEXT_AREA_FORMATS.includes(schema.format)) return 'text-area';
  if (schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean') return schema.type;
  return 'string';
}

/** The properties of an object schema, in declaration order. */
export function propertiesOf(schema: JSONSchema | undefined): [string, PropertySchema][] {
  const properties = (schema?.properties ?? {}) as Record<string, PropertySchema>;
  return Object.entries(properties);
}

export function isRequired(parent: JSONSchema | undefined, name: string): boolean {
  return Array.isArray(parent?.required) && (parent.required as unknown[]).includes(name);
}

/** `['prompts', 0, 'text']` → `prompts[0].text`, as the validator writes paths. */
export function pathText(path: FieldPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/** `prompts[0].text` → `['prompts', 0, 'text']`: the inverse of {@link pathText}. */
export function parsePath(text: string): PathSegment[] {
  const path: PathSegment[] = [];
  for (const match of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return path;
}

/** A DOM id for a path, unique within one form. */
export function pathId(path: FieldPath): string {
  return `f-${pathText(path).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`)}`;
}

/** A label for a property: its title, else its name. */
export function labelOf(name: string, schema: PropertySchema): string {
  return schema.title ?? name;
}

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of a property when nothing is given: its default, `{…}` for groups, `[]` for lists. */
export function defaultOf(schema: PropertySchema): unknown {
  if (schema.type === 'object') return defaultsFor(schema as JSONSchema, undefined);
  if (schema.default !== undefined) return clone(schema.default);
  if (schema.type === 'array') return [];
  // A checkbox is always on or off.
  if (schema.type === 'boolean') return false;
  return undefined;
}

/** `value` with every missing property of `schema` filled with its default (recursively). */
export function defaultsFor(schema: JSONSchema, value: unknown): Record<string, unknown> {
  const given = isObject(value) ? value : {};
  const result: Record<string, unknown> = {};
  for (const [name, property] of propertiesOf(schema)) {
    const current = given[name];
    if (property.type === 'object') result[name] = defaultsFor(property as JSONSchema, current);
    else if (property.type === 'array' && Array.isArray(current)) {
      result[name] = current.map((item) => (property.items ? defaultsFor(property.items, item) : clone(item)));
    } else if (current !== undefined) result[name] = clone(current);
    else {
      const fallback = defaultOf(property);
      if (fallback !== undefined) result[name] = fallback;
    }
  }
  // Keep what the schema does not know, so the validator can say so.
  for (const [name, current] of Object.entries(given)) if (!(name in result)) result[name] = clone(current);
  return result;
}

function fitsType(schema: PropertySchema, value: unknown): boolean {
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

/**
 * Carries `value` (a form for `previous`) over to `next`: a field that still exists keeps
 * its value when the value still fits its type (and options); a field left at its old
 * default takes the new default; fields that are gone are dropped.
 */
export function carryOver(previous: JSONSchema | undefined, next: JSONSchema, value: unknown): Record<string, unknown> {
  const given = isObject(value) ? value : {};
  const before = new Map(propertiesOf(previous));
  const result: Record<string, unknown> = {};
  for (const [name, property] of propertiesOf(next)) {
    const old = before.get(name);
    const current = given[name];
    if (!old || current === undefined || !fitsType(property, current)) {
      const fallback = defaultOf(property);
      if (fallback !== undefined) result[name] = fallback;
    } else if (property.type === 'object') {
      result[name] = carryOver(old as JSONSchema, property as JSONSchema, current);
    } else if (property.type === 'array' && property.items) {
      const items = property.items;
      result[name] = (current as unknown[]).map((item) => carryOver(old.items, items, item));
    } else if (Array.isArray(property.enum) && !property.enum.includes(current)) {
      const fallback = defaultOf(property);
      if (fallback !== undefined) result[name] = fallback;
    } else if (old.default !== undefined && sameJson(current, old.default) && property.default !== undefined) {
      result[name] = clone(property.default);
    } else {
      result[name] = clone(current);
    }
  }
  return result;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The value at `path`, or undefined. */
export function getAt(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[part];
  }
  return current;
}

/** A copy of `root` with `path` set to `next` (undefined removes an object's key). */
export function setAt(root: unknown, path: FieldPath, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = setAt(list[head], rest, next);
    return list;
  }
  const object = isObject(root) ? { ...root } : {};
  const child = setAt(object[head], rest, next);
  if (child === undefined) delete object[head];
  else object[head] = child;
  return object;
}
