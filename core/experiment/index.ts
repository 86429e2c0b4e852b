export { ConfigSchema, type JSONSchema, type PropertyDefinition } from './config-schema.ts';
export type { FieldType, FieldOptions, ListOptions, GroupOptions } from './config-types.ts';
export { Definition, type ExperimentDefinition, type DefinitionData, type ConfigOf } from './definition.ts';
export { DefinitionError } from './definition-error.ts';
export {
  validateConfig,
  toFieldPath,
  ConfigValidationError,
  type ConfigError,
  type ValidationResult,
  type ValidateOptions,
} from './config-validator.ts';
