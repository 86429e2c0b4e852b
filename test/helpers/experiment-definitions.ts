/** Definitions used by service tests, and a mutable lookup standing in for the registry. */
import { ConfigSchema, Definition } from '../../core/index.ts';
import type { DefinitionData } from '../../core/experiment/index.ts';
import type { DefinitionLookup } from '../../core/experiments-service.ts';

export const minimalDefinition = Definition.new()
  .name('my_experiment')
  .description('A minimal experiment example')
  .configuration(
    ConfigSchema.new()
      .field('iterations', 'integer', { default: 10, min: 1, max: 100 })
      .field('model', 'string', { options: ['small', 'large'], default: 'small' })
      .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7, max: 2 })),
  )
  .resolve();

/** A registry stand-in: `set` and `break` change what later lookups see. */
export function definitionTable(...definitions: DefinitionData[]) {
  const table = new Map<string, DefinitionData | Error>(definitions.map((d) => [d.name, d]));
  const lookup: DefinitionLookup = (name) => table.get(name);
  return {
    lookup,
    set: (definition: DefinitionData) => table.set(definition.name, definition),
    break: (name: string, message: string) => table.set(name, new Error(message)),
  };
}
