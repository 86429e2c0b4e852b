/**
 * `ConfigSchema`: the builder an experiment uses to declare its configuration, mirroring
 * the original Athanor's `config_schema.ex` (`field`, `list`, `group`). Every call returns
 * a new schema (builders are immutable) and checks its arguments at once, so a bad
 * definition fails where it is written, naming the field.
 *
 * @example
 * ConfigSchema.new()
 *   .field('iterations', 'integer', { default: 10, min: 1, max: 100 })
 *   .field('model', 'string', { options: ['small', 'large'], default: 'small' })
 *   .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }))
 *   .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7, step: 0.1 }));
 */
import { DefinitionError } from './definition-error.ts';
import { checkFieldOptions, checkListOptions, checkOptionKeys } from './field-rules.ts';
import type {
  FieldEntry,
  FieldOptions,
  FieldType,
  FieldValue,
  GroupOptions,
  ListOptions,
  Simplify,
} from './config-types.ts';

/** A JSON Schema object, as produced by {@link ConfigSchema.toJSONSchema}. */
export type JSONSchema = { [key: string]: unknown };

/** One declared property of a schema, in declaration order. */
export type PropertyDefinition =
  | { kind: 'field'; name: string; type: FieldType; options: FieldOptions }
  | { kind: 'list'; name: string; items: ConfigSchema<object>; options: ListOptions }
  | { kind: 'group'; name: string; schema: ConfigSchema<object>; options: GroupOptions };

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const JSON_TYPES: Record<FieldType, string> = {
  integer: 'integer',
  float: 'number',
  string: 'string',
  boolean: 'boolean',
};

/** An immutable configuration schema; `Shape` is the static type of a validated config. */
export class ConfigSchema<Shape extends object = {}> {
  readonly #properties: readonly PropertyDefinition[];
  /** Carries `Shape` for inference only; never set at run time. */
  declare readonly __shape?: Shape;

  private constructor(properties: readonly PropertyDefinition[]) {
    this.#properties = Object.freeze(properties);
  }

  /** An empty schema. */
  static new(): ConfigSchema<{}> {
    return new ConfigSchema([]);
  }

  /** The declared properties, in order. */
  get properties(): readonly PropertyDefinition[] {
    return this.#properties;
  }

  /** Adds a scalar field: `integer`, `float`, `string` or `boolean`. */
  field<const N extends string, const T extends FieldType, const O extends FieldOptions<FieldValue<T>> = {}>(
    name: N,
    type: T,
    options?: O,
  ): ConfigSchema<Simplify<Shape & FieldEntry<N, T, O>>> {
    this.#checkName(name);
    if (!(type in JSON_TYPES)) {
      throw new DefinitionError(
        `field "${name}": unknown type ${JSON.stringify(type)}; use integer, float, string or boolean`,
        { field: name },
      );
    }
    const opts = { ...(options ?? {}) } as FieldOptions;
    checkFieldOptions(name, type, opts);
    return this.#with({ kind: 'field', name, type, options: Object.freeze(opts) });
  }

  /** Adds a list whose items are each shaped by `itemSchema`. Lists default to `[]`. */
  list<const N extends string, I extends object>(
    name: N,
    itemSchema: ConfigSchema<I>,
    options?: ListOptions<I>,
  ): ConfigSchema<Simplify<Shape & { [K in N]: I[] }>> {
    this.#checkName(name);
    this.#checkSubSchema(name, itemSchema);
    const opts = { ...(options ?? {}) } as ListOptions;
    checkListOptions(name, opts);
    return this.#with({ kind: 'list', name, items: itemSchema, options: Object.freeze(opts) });
  }

  /** Adds a nested group of fields. Groups are always present (they default to `{}`). */
  group<const N extends string, G extends object>(
    name: N,
    subSchema: ConfigSchema<G>,
    options?: GroupOptions,
  ): ConfigSchema<Simplify<Shape & { [K in N]: G }>> {
    this.#checkName(name);
    this.#checkSubSchema(name, subSchema);
    const opts = { ...(options ?? {}) };
    checkOptionKeys(name, opts, ['label', 'description']);
    return this.#with({ kind: 'group', name, schema: subSchema, options: Object.freeze(opts) });
  }

  /** The JSON Schema of a configuration: what ajv validates and forms are built from. */
  toJSONSchema(): JSONSchema {
    const properties: Record<string, JSONSchema> = {};
    const required: string[] = [];
    for (const property of this.#properties) {
      properties[property.name] = propertySchema(property);
      if (property.kind === 'field' && property.options.required && property.options.default === undefined) {
        required.push(property.name);
      }
    }
    return {
      type: 'object',
      properties,
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: false,
    };
  }

  #with(property: PropertyDefinition): ConfigSchema<any> {
    return new ConfigSchema([...this.#properties, property]);
  }

  #checkName(name: string): void {
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
      throw new DefinitionError(
        `field name ${JSON.stringify(name)} is invalid: use letters, digits, "_" or "-", starting with a letter or "_"`,
        { field: String(name) },
      );
    }
    if (this.#properties.some((p) => p.name === name)) {
      throw new DefinitionError(`field "${name}" is declared twice`, { field: name });
    }
  }

  #checkSubSchema(name: string, schema: unknown): void {
    if (!(schema instanceof ConfigSchema)) {
      throw new DefinitionError(`field "${name}": expected a ConfigSchema (ConfigSchema.new()…)`, { field: name });
    }
  }
}

function propertySchema(property: PropertyDefinition): JSONSchema {
  const { label, description } = property.options;
  const common = {
    ...(label !== undefined ? { title: label } : {}),
    ...(description !== undefined ? { description } : {}),
  };
  switch (property.kind) {
    case 'group':
      return { ...property.schema.toJSONSchema(), ...common, default: {} };
    case 'list': {
      const { min, max } = property.options;
      return {
        type: 'array',
        items: property.items.toJSONSchema(),
        ...common,
        default: property.options.default ?? [],
        ...(min !== undefined ? { minItems: min } : {}),
        ...(max !== undefined ? { maxItems: max } : {}),
      };
    }
    case 'field':
      return fieldSchema(property.type, property.options, common);
  }
}

function fieldSchema(type: FieldType, options: FieldOptions, common: JSONSchema): JSONSchema {
  const { min, max, step, format } = options;
  const isString = type === 'string';
  return {
    type: JSON_TYPES[type],
    ...common,
    ...(options.default !== undefined ? { default: options.default } : {}),
    ...(options.options !== undefined ? { enum: [...options.options] } : {}),
    ...(min !== undefined ? { [isString ? 'minLength' : 'minimum']: min } : {}),
    ...(max !== undefined ? { [isString ? 'maxLength' : 'maximum']: max } : {}),
    ...(step !== undefined ? { 'x-step': { step, base: min ?? 0 } } : {}),
    ...(format !== undefined ? { format } : {}),
  };
}
