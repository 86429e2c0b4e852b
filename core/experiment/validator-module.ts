/**
 * An experiment's configuration validator as JavaScript source, compiled by ajv on the
 * workbench (ajv's "standalone" code), for the UI to import instead of compiling in the
 * page: compiling needs `new Function`, which the workbench's CSP refuses.
 *
 * The module's default export takes what the code needs from outside and returns the
 * validate function:
 *
 * @example
 * const { default: validatorOf } = await import('/api/experiments/my_experiment/validator.js?v=…');
 * const validate = validatorOf({ formats: fullFormats, require: (name) => ajvRuntime[name] });
 */
import { _, type Ajv, type ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import type { JSONSchema } from './config-schema.ts';
import { createConfigAjv } from './config-validator.ts';

// A CommonJS module whose function is both `module.exports` and its `.default`; module
// settings differ on which one a default import names (NodeNext here, Bundler for the UI's tests).
const standaloneCode = ((standalone as { default?: unknown }).default ?? standalone) as (ajv: Ajv, validate: ValidateFunction) => string;

let ajv: ReturnType<typeof createConfigAjv> | undefined;
const modules = new WeakMap<JSONSchema, string>();

/** The validator module of `schema` (made once per schema object). */
export function validatorModule(schema: JSONSchema): string {
  let text = modules.get(schema);
  if (text === undefined) {
    ajv ??= createConfigAjv(false, { code: { source: true, formats: _`runtime.formats` } });
    const code = standaloneCode(ajv, ajv.compile(schema));
    ajv.removeSchema(schema); // one ajv serves every schema; keep it from holding them all
    text = `// A configuration validator compiled by ajv (standalone code); see core/experiment/validator-module.ts.
export default function validatorOf(runtime) {
  const require = runtime.require;
  const module = { exports: {} };
  ${code}
  return module.exports;
}
`;
    modules.set(schema, text);
  }
  return text;
}
