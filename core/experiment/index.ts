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
export {
  MAX_SWEEP_COMBINATIONS,
  applyAssignment,
  describeAssignment,
  expandGrid,
  formatGridValue,
  gridSize,
  parseGridValues,
  repeatedValue,
  sweepableFields,
  sweepInstanceName,
  type GridAssignment,
  type GridValues,
  type SweepField,
} from './sweep-grid.ts';
