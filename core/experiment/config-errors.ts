/**
 * What configuration validation reports, apart from the validator itself (config-validator.ts,
 * which loads ajv): code that only names these types or catches the error loads no ajv.
 */

/** One problem with a configuration. `path` is dotted: `sampling.temperature`, `prompts[0].text`. */
export interface ConfigError {
  path: string;
  message: string;
}

export type ValidationResult<C> = { ok: true; value: C } | { ok: false; errors: ConfigError[] };

export interface ValidateOptions {
  /** Convert strings to the field's type ("5" → 5, "true" → true), as the CLI's `--set` needs. */
  coerce?: boolean;
}

/** Thrown by APIs that take a configuration when it does not validate. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
  readonly code = 'ERR_INVALID_CONFIG';
  readonly errors: ConfigError[];

  constructor(errors: ConfigError[], subject = 'configuration') {
    super(`invalid ${subject}: ${errors.map((e) => e.message).join('; ')}`);
    this.errors = errors;
  }
}
