/**
 * The `athanor` package: what an experiment imports.
 *
 * @example
 * import { Definition, ConfigSchema } from 'athanor';
 */
export {
  Definition,
  ConfigSchema,
  DefinitionError,
  ConfigValidationError,
  validateConfig,
  type ConfigOf,
  type ConfigError,
  type ExperimentDefinition,
} from './experiment/index.ts';
export { Runtime, Cancelled, type RunContext } from './runtime/index.ts';
