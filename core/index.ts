/**
 * The `athanor` package: what an experiment imports.
 *
 * @example
 * import { Definition, ConfigSchema } from 'athanor';
 */
// Module by module, not through experiment/index.ts: importing `athanor` loads no ajv
// (validate-config.ts loads it on the first call).
export { Definition, type ConfigOf, type ExperimentDefinition } from './experiment/definition.ts';
export { ConfigSchema } from './experiment/config-schema.ts';
export { DefinitionError } from './experiment/definition-error.ts';
export { ConfigValidationError, type ConfigError } from './experiment/config-errors.ts';
export { validateConfig } from './experiment/validate-config.ts';
export { Runtime, Cancelled, type RunContext } from './runtime/index.ts';
