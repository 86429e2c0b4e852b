/**
 * Validates configurations against an experiment's JSON Schema with ajv: applies
 * defaults, optionally coerces strings (for `--set iterations=5`), and reports every
 * problem as `{path, message}` naming the field, the rule and the value.
 *
 * Browser-safe (no Node modules): the UI validates forms with this same code.
 */
import { _, Ajv, type ErrorObject, type KeywordCxt, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JSONSchema } from './config-schema.ts';
import { UI_HINT_FORMATS } from './config-formats.ts';
import { didYouMean } from './closest-name.ts';
import type { ConfigError, ValidateOptions, ValidationResult } from './config-errors.ts';

export { ConfigValidationError, type ConfigError, type ValidationResult, type ValidateOptions } from './config-errors.ts';

/**
 * The ajv every configuration validator is compiled with (`options` adds to it: the
 * standalone validators of validator-module.ts are made with `code.source`).
 */
export function createConfigAjv(coerce: boolean, options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: coerce, verbose: true, strict: true, ...options });
  addFormats.default(ajv);
  for (const hint of UI_HINT_FORMATS) ajv.addFormat(hint, true);
  ajv.addKeyword({
    keyword: 'x-step',
    type: 'number',
    schemaType: 'object',
    // isOnStep (step.ts) as generated code, so a standalone validator needs nothing more.
    code(cxt: KeywordCxt) {
      const { step, base } = cxt.schema as { step: number; base: number };
      const k = _`((${cxt.data} - ${base}) / ${step})`;
      cxt.fail(_`Math.abs(${k} - Math.round(${k})) > 1e-9 * Math.max(1, Math.abs(${k}))`);
    },
  });
  return ajv;
}

let strictAjv: Ajv | undefined;
let coercingAjv: Ajv | undefined;
const compiled = new WeakMap<JSONSchema, { strict?: ValidateFunction; coerce?: ValidateFunction }>();

function validatorFor(schema: JSONSchema, coerce: boolean): ValidateFunction {
  let entry = compiled.get(schema);
  if (!entry) compiled.set(schema, (entry = {}));
  if (coerce) return (entry.coerce ??= (coercingAjv ??= createConfigAjv(true)).compile(schema));
  return (entry.strict ??= (strictAjv ??= createConfigAjv(false)).compile(schema));
}

/**
 * Uses `validate` for `schema` from now on instead of compiling it (the UI installs the
 * validators the workbench precompiled, so a page's CSP can refuse `eval`).
 */
export function installValidator(schema: JSONSchema, validate: ValidateFunction): void {
  let entry = compiled.get(schema);
  if (!entry) compiled.set(schema, (entry = {}));
  entry.strict = validate;
}

/** Whether `schema` has a validator ready (compiled or installed). */
export function hasValidator(schema: JSONSchema): boolean {
  return compiled.get(schema)?.strict !== undefined;
}

/**
 * Validates `input` against `schema` (compiled once per schema object). The input is not
 * modified; the value returned has defaults applied.
 */
export function validateConfig<C = Record<string, unknown>>(
  schema: JSONSchema,
  input: unknown,
  options: ValidateOptions = {},
): ValidationResult<C> {
  const value = input === undefined ? {} : structuredClone(input);
  const validate = validatorFor(schema, options.coerce ?? false);
  if (validate(value)) return { ok: true, value: value as C };
  return { ok: false, errors: dedupe(oneProblemEach(validate.errors ?? []).map(describeError)) };
}

/**
 * A value out of range or of the wrong type is one problem, however many rules it breaks:
 * -5 for a field with min 0 and step 10 is "below the minimum 0", not also "not on the step".
 */
function oneProblemEach(errors: readonly ErrorObject[]): ErrorObject[] {
  const decisive = new Set(errors.filter((e) => ['type', 'minimum', 'maximum'].includes(e.keyword)).map((e) => e.instancePath));
  return errors.filter((e) => e.keyword !== 'x-step' || !decisive.has(e.instancePath));
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
}

/** `/prompts/0/text` → `prompts[0].text`. */
export function toFieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

const show = (value: unknown): string => {
  // JSON has no Infinity or NaN (a body's 1e400 parses to Infinity): say what it is, not "null".
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** Up to 12 names, then how many more. */
function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … ${names.length - 12} more`;
}

function describeError(error: ErrorObject): ConfigError {
  const base = toFieldPath(error.instancePath);
  const params = error.params as Record<string, any>;
  const join = (name: string) => (base ? `${base}.${name}` : name);
  const at = (path: string, text: string, separator = ': '): ConfigError => ({
    path,
    message: `config${path ? `.${path}` : ''}${separator}${text}`,
  });
  const value = show(error.data);
  switch (error.keyword) {
    case 'required':
      return at(join(params.missingProperty), 'is required', ' ');
    case 'additionalProperties': {
      // A typo (`iteratons`) is named with the field it most likely meant; a name like none, with the fields there are.
      const fields = Object.keys((error.parentSchema?.properties ?? {}) as Record<string, unknown>);
      const hint = didYouMean(String(params.additionalProperty), fields) || ` (${base ? `fields of ${base}` : 'fields'}: ${listed(fields)})`;
      return at(join(params.additionalProperty), `is not a field of this experiment${hint}`, ' ');
    }
    case 'type':
      return at(base, `${value} is not ${TYPE_NAMES[String(params.type)] ?? params.type}`);
    case 'minimum':
      return at(base, `${value} is below the minimum ${params.limit}`);
    case 'maximum':
      return at(base, `${value} is above the maximum ${params.limit}`);
    case 'minLength':
      return at(base, `${value} is shorter than the minimum length ${params.limit}`);
    case 'maxLength':
      return at(base, `${value} is longer than the maximum length ${params.limit}`);
    case 'minItems':
      return at(base, `has ${(error.data as unknown[]).length} items, fewer than the minimum ${params.limit}`);
    case 'maxItems':
      return at(base, `has ${(error.data as unknown[]).length} items, more than the maximum ${params.limit}`);
    case 'enum':
      return at(base, `${value} is not one of ${(params.allowedValues as unknown[]).map(show).join(', ')}`);
    case 'format':
      return at(base, `${value} is not a valid ${params.format}`);
    case 'x-step': {
      const rule = error.schema as { step: number; base: number };
      return at(base, `${value} is not on the step ${rule.step} from ${rule.base}`);
    }
    default:
      return at(base, `${value} ${error.message ?? 'is invalid'}`);
  }
}
