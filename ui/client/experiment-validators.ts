/**
 * The configuration validators the workbench precompiles for each experiment
 * (`GET /api/experiments/:name/validator.js`, see core/experiment/validator-module.ts),
 * installed for the experiment's schema as soon as the schema reaches the page. So the
 * forms validate with the server's own rules without compiling anything here: compiling
 * needs `eval`, which the workbench's CSP refuses.
 *
 * A schema that came some other way (a page that sets a form's `schema` itself) is
 * compiled in the page as before, where its CSP allows it.
 */
import type { ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import * as equal from 'ajv/dist/runtime/equal.js';
import * as ucs2length from 'ajv/dist/runtime/ucs2length.js';
import type { JSONSchema } from '../../core/experiment/config-schema.ts';
import { hasValidator, installValidator } from '../../core/experiment/config-validator.ts';
import type { ExperimentInfo } from '../../core/events/event-map.ts';

/** A CommonJS module's main function, however the bundler hands the module over. */
const mainOf = (module: unknown): unknown => {
  let value = module as { default?: unknown };
  while (typeof value !== 'function' && value?.default !== undefined) value = value.default as { default?: unknown };
  return value;
};

/** What the compiled code asks of its surroundings (validator-module.ts). */
export const validatorRuntime = {
  formats: fullFormats,
  require(name: string): { default: unknown } {
    const modules: Record<string, unknown> = { 'ajv/dist/runtime/equal': equal, 'ajv/dist/runtime/ucs2length': ucs2length };
    if (!(name in modules)) throw new Error(`a precompiled validator needs "${name}", which the page does not provide`);
    return { default: mainOf(modules[name]) };
  },
};

/**
 * Whether this code was served over HTTP (a page) and can import from the API. Run from
 * the file system (Node, as the component tests do) it cannot: forms compile in place there.
 */
const FROM_THE_WEB = !import.meta.url.startsWith('file:');

/** Validators on their way, by schema; a schema leaves when its validator is installed or failed. */
const loading = new WeakMap<JSONSchema, Promise<void>>();
/** Schemas whose validator could not be loaded: compiled in the page instead, not asked for again. */
const failed = new WeakSet<JSONSchema>();

/**
 * Starts loading the precompiled validator of `experiment` (from the API at `api`) unless
 * its schema has one; resolves once it is installed, or failed (reported on the console).
 */
export function loadValidator(api: string, experiment: ExperimentInfo): Promise<void> {
  const { schema, codeHash, name } = experiment;
  if (!schema || hasValidator(schema) || failed.has(schema) || !FROM_THE_WEB) return Promise.resolve();
  let loaded = loading.get(schema);
  if (!loaded) {
    const url = `${api.replace(/\/+$/, '')}/api/experiments/${encodeURIComponent(name)}/validator.js?v=${encodeURIComponent(codeHash ?? '')}`;
    loaded = import(/* @vite-ignore */ url)
      .then((module: { default: (r: typeof validatorRuntime) => ValidateFunction }) => installValidator(schema, module.default(validatorRuntime)))
      .catch((error: unknown) => {
        failed.add(schema);
        console.error(`athanor: could not load the validator of "${name}"`, error);
      })
      .finally(() => loading.delete(schema));
    loading.set(schema, loaded);
  }
  return loaded;
}

/** The loading of `schema`'s validator, while it is under way. */
export function validatorLoading(schema: JSONSchema): Promise<void> | undefined {
  return loading.get(schema);
}
