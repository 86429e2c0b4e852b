/**
 * `validateConfig` as the `athanor` package exports it: the validator (and ajv, ~0.1–0.2 s
 * to load under tsx) is loaded on the first call, not on import. Every run host and every
 * definition loader imports `athanor` through the experiment, and none of them validates.
 *
 * Node only (`createRequire`); the UI imports config-validator.ts itself.
 */
import { createRequire } from 'node:module';
import type { JSONSchema } from './config-schema.ts';
import type { ValidateOptions, ValidationResult } from './config-errors.ts';

type Validator = typeof import('./config-validator.ts');
let validator: Validator | undefined;

// `.ts` from a checkout, `.js` from the compiled package.
const VALIDATOR = `./config-validator${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`;

/** Validates `input` against `schema`; see config-validator.ts. */
export function validateConfig<C = Record<string, unknown>>(schema: JSONSchema, input: unknown, options: ValidateOptions = {}): ValidationResult<C> {
  validator ??= loadValidator();
  return validator.validateConfig<C>(schema, input, options);
}

function loadValidator(): Validator {
  const require = createRequire(import.meta.url);
  // A checkout's TypeScript is required through tsx's CommonJS hooks, which a process started
  // with its ESM hooks alone (bin/athanor.js) has not registered.
  if (VALIDATOR.endsWith('.ts') && !require.extensions['.ts']) (require('tsx/cjs/api') as { register(): unknown }).register();
  return require(VALIDATOR) as Validator;
}
