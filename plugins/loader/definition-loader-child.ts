/**
 * The definition loader process, started as run hosts are: with tsx's CommonJS hooks only
 * (its ES module hooks run in a loader thread that cost ~0.4 CPU-s of every start). It
 * loads experiment modules on request, calls their `experiment()` — never `run()` — and
 * answers with the resolved definition or a located error. It is kept warm (`athanor`
 * loaded at start) and recycled by its parent after a number of loads (what the ES module
 * fallback below imports stays in the ES module cache for good).
 *
 * A module is required (run-host/load-experiment.ts), after every module an earlier load
 * brought in is forgotten but packages', so a load always evaluates the current code of the
 * whole local graph, a changed helper included. A module CommonJS cannot give (top-level
 * await, `import.meta.resolve`), one with a dynamic `import()` (the ES module cache would
 * keep what it imported), or one whose load fails, is imported as an ES module as before:
 * `file.ts?athanor-load=N`, with version-hooks.ts, whose errors the error mapper knows (a
 * module that threw at its top level runs that code twice then: it failed anyway).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { registerEsmHooks, requireExperiment } from '../../core/run-host/load-experiment.ts';
import {
  LOADER_PROTOCOL_VERSION,
  LOADER_SETTINGS_ENV,
  type LoadResult,
  type LoaderChildSettings,
  type LoaderReply,
  type LoaderRequest,
} from './loader-protocol.ts';
import { describeDefinitionError, describeImportError, fileError, readSourceOrUndefined, type ErrorMapperHost } from './load-error-mapper.ts';
import { LOAD_PARAM } from './version-hooks.ts';

const settings = JSON.parse(process.env[LOADER_SETTINGS_ENV] ?? '{}') as LoaderChildSettings;

const host: ErrorMapperHost = {
  root: settings.root,
  readSource: readSourceOrUndefined,
  locateSyntaxError,
};

let loads = 0;
const send = (reply: LoaderReply) => process.send?.(reply);

// An experiment's stray timer or promise must not end the loader.
process.on('uncaughtException', () => {});
process.on('unhandledRejection', () => {});
process.on('disconnect', () => process.exit(0));

const require = createRequire(import.meta.url);
const requireCache = require.cache;
warmUp();
/** What this process holds before any load: athanor and the loader itself, kept. */
const own = new Set(Object.keys(requireCache));

process.on('message', (request: LoaderRequest) => {
  if (request?.type !== 'load') return;
  // Not one at a time: a load that hangs (a top-level await) must not hold up the others.
  void loadModule(request.file).then((result) => send({ type: 'loaded', id: request.id, rss: process.memoryUsage.rss(), result }));
});
setInterval(() => send({ type: 'heartbeat', rss: process.memoryUsage.rss() }), settings.heartbeatMs).unref();
send({ type: 'ready', version: LOADER_PROTOCOL_VERSION, pid: process.pid });

/**
 * Compiles one throw-away module (`athanor` is loaded with this module): the first
 * compilation that misses tsx's cache starts esbuild, which must not land on the first real load.
 */
function warmUp(): void {
  const scratch = path.join(tmpdir(), `athanor-loader-warm-${process.pid}-${Date.now()}.ts`);
  try {
    writeFileSync(scratch, `export const warm: number = ${Math.random()};\n`);
    require(scratch);
  } catch {
    // warming is an optimisation only
  } finally {
    delete requireCache[scratch];
    rmSync(scratch, { force: true });
  }
}

/**
 * Forgets every module a load brought in but packages', so the next load evaluates the code
 * on disk now: out of require's cache, and out of its parent's children (the module that
 * required it keeps it there, and with it everything it loaded, until the process is recycled).
 */
function forgetLoadedModules(): void {
  for (const key of Object.keys(requireCache)) {
    if (own.has(key) || key.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const module = requireCache[key];
    const siblings = (module as { parent?: { children?: unknown[] } } | undefined)?.parent?.children;
    const at = siblings?.indexOf(module) ?? -1;
    if (at !== -1) siblings!.splice(at, 1);
    delete requireCache[key];
  }
}

let versionHooks = false;

/** Imports `file` as an ES module, fresh with its local imports (version-hooks.ts). */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  await registerEsmHooks();
  if (!versionHooks) {
    // After tsx's: hooks registered later run first, and hand on to tsx's.
    register(`./version-hooks${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, { parentURL: import.meta.url, data: { root: settings.root } });
    versionHooks = true;
  }
  forgetLoadedModules(); // tsx's ES module hooks load a CommonJS project's `.ts` through require too
  return import(`${pathToFileURL(file).href}?${LOAD_PARAM}=${++loads}`);
}

/** The module's exports: required if CommonJS can give them, else (or if that failed) imported. */
async function loadFresh(file: string): Promise<Record<string, unknown>> {
  forgetLoadedModules();
  try {
    const required = await requireExperiment(file, { dynamicImport: 'decline' });
    if (required) return required;
  } catch {
    // imported below, whose errors say where
  }
  return importFresh(file);
}

/** Imports one module (fresh, with its local imports) and reads its definition. */
async function loadModule(file: string): Promise<LoadResult> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await loadFresh(file);
  } catch (error) {
    return { kind: 'error', error: describeImportError(error, file, host) };
  }
  const exports = findExports(namespace);
  if (exports === undefined) return { kind: 'helper' };
  if (typeof exports.experiment !== 'function' || typeof exports.run !== 'function') {
    return { kind: 'error', error: fileError(...missingExport(exports), file, settings.root) };
  }
  let definition: unknown;
  try {
    definition = await (exports as { experiment(): unknown }).experiment();
    if (typeof (definition as { resolve?: unknown })?.resolve !== 'function') {
      const got = definition === null ? 'null' : typeof definition;
      const message = `experiment() returned ${got}; it must return a Definition: return Definition.new().name('…')`;
      return { kind: 'error', error: fileError('ERR_INVALID_DEFINITION', message, file, settings.root) };
    }
    const resolved = (definition as { resolve(): { name?: unknown; description?: unknown; schema?: unknown; retries?: unknown } }).resolve();
    if (typeof resolved?.name !== 'string' || resolved.name === '' || typeof resolved.schema !== 'object' || resolved.schema === null) {
      const message = 'experiment().resolve() gave no name or schema: build the definition with Definition.new().name(…)';
      return { kind: 'error', error: fileError('ERR_INVALID_DEFINITION', message, file, settings.root) };
    }
    const description = typeof resolved.description === 'string' ? resolved.description : null;
    // Checked by Definition.retries(); a definition from another copy of athanor may lack it.
    const retries = Number.isInteger(resolved.retries) ? (resolved.retries as number) : 0;
    const data = { name: resolved.name, description, schema: resolved.schema, retries };
    return { kind: 'experiment', definition: JSON.parse(JSON.stringify(data)) };
  } catch (error) {
    return { kind: 'error', error: describeDefinitionError(error, file, host) };
  }
}

type ExportPair = { experiment?: unknown; run?: unknown };

/** The named exports if they hold `experiment` or `run`, else a default-exported object that does; undefined for a helper. */
function findExports(namespace: Record<string, unknown>): ExportPair | undefined {
  const named: ExportPair = { experiment: namespace['experiment'], run: namespace['run'] };
  const fallback = namespace['default'];
  const byDefault: ExportPair =
    fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function')
      ? { experiment: (fallback as ExportPair).experiment, run: (fallback as ExportPair).run }
      : {};
  const complete = (pair: ExportPair) => typeof pair.experiment === 'function' && typeof pair.run === 'function';
  const partial = (pair: ExportPair) => pair.experiment !== undefined || pair.run !== undefined;
  if (complete(named)) return named;
  if (complete(byDefault)) return fallback as ExportPair;
  if (partial(named)) return named;
  if (partial(byDefault)) return byDefault;
  return undefined;
}

function missingExport(pair: ExportPair): [code: string, message: string] {
  if (pair.experiment !== undefined && typeof pair.experiment !== 'function') {
    const got = typeof pair.experiment;
    return ['ERR_INVALID_DEFINITION', `the export "experiment" is a ${got}, not a function: write export function experiment() { return Definition.new()… }`];
  }
  if (pair.run === undefined) {
    return ['ERR_MISSING_EXPORT', 'exports experiment() but no run(): add export async function run(ctx) { … }'];
  }
  if (typeof pair.run !== 'function') {
    return ['ERR_MISSING_EXPORT', `the export "run" is a ${typeof pair.run}, not a function: write export async function run(ctx) { … }`];
  }
  return ['ERR_MISSING_EXPORT', "exports run() but no experiment(): add export function experiment() { return Definition.new().name('…') }"];
}

type EsbuildLike = {
  transformSync(source: string, options: object): unknown;
};
let esbuild: EsbuildLike | null | undefined;

/** Node's SyntaxError for `.js`/`.mjs` has no location; esbuild (tsx's compiler) finds one. */
function locateSyntaxError(file: string, source: string): { line: number; column: number; message: string } | undefined {
  try {
    // tsx's esbuild (not import.meta.resolve: this module runs as CommonJS from a checkout).
    esbuild ??= createRequire(require.resolve('tsx'))('esbuild') as EsbuildLike;
  } catch {
    esbuild = null;
  }
  if (!esbuild) return undefined;
  try {
    esbuild.transformSync(source, { loader: /\.m?ts$/.test(file) ? 'ts' : 'js', format: 'esm', sourcefile: file });
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { line: number; column: number } }[] }).errors?.[0];
    if (first?.location) return { line: first.location.line, column: first.location.column + 1, message: first.text };
  }
  return undefined;
}
