/**
 * How the run host imports an experiment's module.
 *
 * The host is started with tsx's CommonJS hooks only (its ES module hooks run in a loader
 * thread that cost ~0.2 s and ~0.4 CPU-s of every run's start): the experiment is
 * `require`d, which tsx compiles in this thread, with `import.meta`'s url, filename and
 * dirname as an ES module sees them. Where CommonJS cannot give what an ES module has, the
 * ES module hooks are registered after all:
 * - top-level await (in the experiment or in what it imports), or `import.meta.resolve`: the
 *   experiment is imported as an ES module (when what it imports holds them, code that ran
 *   before the one found runs once more);
 * - a dynamic `import()` in the experiment's own modules (it may name TypeScript; not one of
 *   a `node:` module): the hooks are registered before the run starts.
 * (From a checkout the host itself is CommonJS compiled by tsx, `athanor` too: an experiment
 * imported as an ES module there gets a second `athanor`, which works, as the runtime's
 * checks go by name.)
 * The definition loader process (plugins/loader/) loads modules the same way.
 */
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as athanor from '../index.ts';

const EXTENSION = import.meta.url.slice(import.meta.url.lastIndexOf('.'));
/** What `require` answers for a graph that holds top-level await (Node's code; tsx's for TypeScript). */
const NEEDS_ESM = new Set(['ERR_REQUIRE_ASYNC_MODULE', 'ERR_REQUIRE_ESM']);
const ESM_ONLY = /\bimport\.meta\.resolve\b/;
/** A dynamic `import()` that may name TypeScript: any but of a `node:` module (Node's own import gives those). */
const DYNAMIC_IMPORT = /\bimport\s*\((?!\s*['"`]node:)/;
const DEPENDENCY = `${path.sep}node_modules${path.sep}`;

const require = createRequire(import.meta.url);
let esmHooks: Promise<unknown> | undefined;

/** Registers tsx's ES module hooks (a loader thread), once. */
export function registerEsmHooks(): Promise<unknown> {
  esmHooks ??= import('tsx/esm/api').then((api) => api.register());
  return esmHooks;
}

/**
 * An experiment's `import 'athanor'` gets the instance this host runs with, as Node's own
 * `require` of an ES module would (tsx's hooks would compile a second, CommonJS copy).
 */
function shareAthanor(): void {
  const entry = fileURLToPath(new URL(`../index${EXTENSION}`, import.meta.url));
  if (require.cache[entry]) return;
  const shared = new Module(entry);
  shared.filename = entry;
  shared.loaded = true;
  shared.exports = athanor;
  require.cache[entry] = shared;
}

/** Reads a module's text ('' when it cannot: a module tsx made up, a file gone since). */
function textOf(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Requires `file` through tsx's CommonJS hooks, or answers undefined when CommonJS cannot
 * give what it holds (top-level await, `import.meta.resolve`): import it as an ES module then.
 * A dynamic `import()` in its own modules registers the ES module hooks it needs; with
 * `dynamicImport: 'decline'` (the definition loader, whose every load must see the code on
 * disk: the ES module cache keeps what an `import()` gave) it answers undefined instead.
 */
export async function requireExperiment(file: string, options: { dynamicImport?: 'register' | 'decline' } = {}): Promise<Record<string, unknown> | undefined> {
  const entry = textOf(file);
  if (ESM_ONLY.test(entry)) return undefined;
  shareAthanor();
  const before = new Set(Object.keys(require.cache));
  let loaded: Record<string, unknown>;
  try {
    loaded = require(file) as Record<string, unknown>;
  } catch (error) {
    if (NEEDS_ESM.has((error as { code?: string } | null)?.code ?? '')) return undefined;
    throw error;
  }
  const own = Object.keys(require.cache).filter((name) => !before.has(name) && !name.includes(DEPENDENCY));
  const texts = own.map((name) => (name === file ? entry : textOf(name)));
  if (texts.some((text) => ESM_ONLY.test(text))) return undefined;
  if (texts.some((text) => DYNAMIC_IMPORT.test(text))) {
    if (options.dynamicImport === 'decline') return undefined;
    await registerEsmHooks();
  }
  return loaded;
}

export async function loadExperiment(file: string): Promise<Record<string, unknown>> {
  const required = await requireExperiment(file);
  if (required) return required;
  await registerEsmHooks();
  return import(pathToFileURL(file).href);
}
