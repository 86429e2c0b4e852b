/**
 * Type-level half of the configuration builder: how each `.field()`, `.list()` and
 * `.group()` call shows up in the static type of `Runtime.config(ctx)`.
 *
 * A field with a `default` or `required: true` is always present after validation; any
 * other field is optional. A string field with `options` is the union of its options.
 * Lists and groups are always present (they default to `[]` and `{}`).
 */

/** The scalar field types of a configuration schema. */
export type FieldType = 'integer' | 'float' | 'string' | 'boolean';

/** The JavaScript value a field type holds. */
export type FieldValue<T extends FieldType> = T extends 'integer' | 'float'
  ? number
  : T extends 'boolean'
    ? boolean
    : string;

/** Options of a scalar field (the original Athanor's `ConfigSchema.field/4`). */
export interface FieldOptions<V = unknown> {
  /** Value used when the configuration leaves the field out. */
  default?: V;
  /** Human label for forms (defaults to the field's name). */
  label?: string;
  description?: string;
  /** The field must be given (only meaningful without a default). */
  required?: boolean;
  /** A JSON Schema format (`email`, `uri`, `date`, …) or a UI hint (`textarea`, `password`, `code`). */
  format?: string;
  /** Numbers: inclusive bounds. Strings: bounds on length. */
  min?: number;
  max?: number;
  /** Numbers: allowed increment, counted from `min` (or 0). */
  step?: number;
  /** Allowed values; a string field with options is a select. */
  options?: readonly V[];
}

/** Options of a list (`ConfigSchema.list/4`). */
export interface ListOptions<I = unknown> {
  label?: string;
  description?: string;
  default?: readonly I[];
  /** Bounds on the number of items. */
  min?: number;
  max?: number;
}

/** Options of a group (`ConfigSchema.group/4`). */
export interface GroupOptions {
  label?: string;
  description?: string;
}

type Present<O> = O extends { default: unknown } ? true : O extends { required: true } ? true : false;

type ScalarValue<T extends FieldType, O> = T extends 'string'
  ? O extends { options: readonly (infer L)[] }
    ? L
    : string
  : FieldValue<T>;

/** The object type a single `.field()` call adds. */
export type FieldEntry<N extends string, T extends FieldType, O> =
  Present<O> extends true ? { [K in N]: ScalarValue<T, O> } : { [K in N]?: ScalarValue<T, O> };

/** Flattens an intersection into one object type, so hovers and errors read well. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};
