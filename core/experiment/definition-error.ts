/**
 * Thrown when an experiment's definition is malformed: no name, a duplicate field, a
 * default outside its own bounds. `field` names the offending field (dotted for groups).
 */
export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
  readonly code = 'ERR_INVALID_DEFINITION';
  readonly field: string | undefined;

  constructor(message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.field = options.field;
  }
}
