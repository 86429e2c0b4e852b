/**
 * Definition-time checks of field options: a schema that could never validate (min above
 * max, a default outside its own bounds, an unknown option) is refused where it is
 * written, with the field named.
 */
import { isKnownFormat, UI_HINT_FORMATS } from './config-formats.ts';
import type { FieldOptions, FieldType, ListOptions } from './config-types.ts';
import { DefinitionError } from './definition-error.ts';
import { isOnStep } from './step.ts';

const FIELD_OPTION_KEYS = ['default', 'label', 'description', 'required', 'format', 'min', 'max', 'step', 'options'];
const LIST_OPTION_KEYS = ['label', 'description', 'default', 'min', 'max'];

function fail(field: string, message: string): never {
  throw new DefinitionError(`field "${field}": ${message}`, { field });
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Refuses option keys the builder does not know (a typo such as `minimum`). */
export function checkOptionKeys(field: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(field, `options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) fail(field, `unknown option "${key}"; known options: ${known.join(', ')}`);
  }
}

function checkTypeOf(field: string, type: FieldType, value: unknown, what: string): void {
  const ok =
    type === 'integer'
      ? Number.isInteger(value)
      : type === 'float'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === (type === 'string' ? 'string' : 'boolean');
  if (!ok) fail(field, `${what} ${show(value)} is not ${type === 'integer' ? 'an integer' : `a ${type}`}`);
}

function checkNumber(field: string, name: string, value: unknown, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    fail(field, `${name} must be ${integer ? 'an integer' : 'a finite number'}, got ${show(value)}`);
  }
}

/** Checks the options of a scalar field against its type. */
export function checkFieldOptions(field: string, type: FieldType, options: FieldOptions): void {
  checkOptionKeys(field, options, FIELD_OPTION_KEYS);
  const { min, max, step, format, label, description, required } = options;
  const numeric = type === 'integer' || type === 'float';
  const integerBounds = type !== 'float';

  if (label !== undefined && typeof label !== 'string') fail(field, `label must be a string, got ${show(label)}`);
  if (description !== undefined && typeof description !== 'string') {
    fail(field, `description must be a string, got ${show(description)}`);
  }
  if (required !== undefined && typeof required !== 'boolean') {
    fail(field, `required must be true or false, got ${show(required)}`);
  }
  if (type === 'boolean' && (min !== undefined || max !== undefined || step !== undefined)) {
    fail(field, 'min, max and step do not apply to a boolean');
  }
  checkNumber(field, 'min', min, integerBounds);
  checkNumber(field, 'max', max, integerBounds);
  if (min !== undefined && max !== undefined && min > max) fail(field, `min ${min} is above max ${max}`);
  if (step !== undefined) {
    if (!numeric) fail(field, 'step applies only to integer and float fields');
    if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) {
      fail(field, `step must be a positive number, got ${show(step)}`);
    }
    if (type === 'integer' && !Number.isInteger(step)) fail(field, `step must be an integer, got ${step}`);
  }
  if (format !== undefined) {
    if (type !== 'string') fail(field, 'format applies only to string fields');
    if (typeof format !== 'string' || !isKnownFormat(format)) {
      fail(field, `unknown format ${show(format)}; use a JSON Schema format (email, uri, date, …) or ${UI_HINT_FORMATS.join(', ')}`);
    }
  }
  if (options.options !== undefined) {
    if (!Array.isArray(options.options) || options.options.length === 0) {
      fail(field, `options must be a non-empty list, got ${show(options.options)}`);
    }
    if (type === 'boolean') fail(field, 'options do not apply to a boolean');
    options.options.forEach((value) => checkTypeOf(field, type, value, 'option'));
  }
  if (options.default !== undefined) checkDefault(field, type, options);
}

function checkDefault(field: string, type: FieldType, options: FieldOptions): void {
  const { min, max, step } = options;
  const value = options.default;
  checkTypeOf(field, type, value, 'default');
  const measured = type === 'string' ? (value as string).length : (value as number);
  const unit = type === 'string' ? ' characters long' : '';
  if (typeof measured === 'number' && min !== undefined && measured < min) {
    fail(field, `default ${show(value)} is below the minimum ${min}${unit}`);
  }
  if (typeof measured === 'number' && max !== undefined && measured > max) {
    fail(field, `default ${show(value)} is above the maximum ${max}${unit}`);
  }
  if (step !== undefined && !isOnStep(value as number, step, min ?? 0)) {
    fail(field, `default ${show(value)} is not on the step ${step} from ${min ?? 0}`);
  }
  if (options.options !== undefined && !options.options.includes(value)) {
    fail(field, `default ${show(value)} is not one of the options ${options.options.map(show).join(', ')}`);
  }
}

/** Checks the options of a list. */
export function checkListOptions(field: string, options: ListOptions): void {
  checkOptionKeys(field, options, LIST_OPTION_KEYS);
  checkNumber(field, 'min', options.min, true);
  checkNumber(field, 'max', options.max, true);
  if ((options.min ?? 0) < 0) fail(field, `min must not be negative, got ${options.min}`);
  if (options.min !== undefined && options.max !== undefined && options.min > options.max) {
    fail(field, `min ${options.min} is above max ${options.max}`);
  }
  if (options.default !== undefined && !Array.isArray(options.default)) {
    fail(field, `default must be a list, got ${show(options.default)}`);
  }
}
