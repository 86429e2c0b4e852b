/**
 * The definition loader process (forked with `--import tsx`). It imports experiment
 * modules on request, calls their `experiment()` — never `run()` — and answers with the
 * resolved definition or a located error. It is kept warm (`athanor` is imported once at
 * start) and recycled by its parent after a number of loads, since every load adds
 * modules to an ES module cache that never forgets.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
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
// `.ts` from a checkout, `.js` from the compiled package.
register(`./version-hooks${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, { parentURL: import.meta.url, data: { root: settings.root } });

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

const warm = warmUp();
process.on('message', (request: LoaderRequest) => {
  if (request?.type !== 'load') return;
  void warm
    .then(() => loadModule(request.file))
    .then((result) => send({ type: 'loaded', id: request.id, rss: process.memoryUsage.rss(), result }));
});
await warm;
setInterval(() => send({ type: 'heartbeat', rss: process.memoryUsage.rss() }), settings.heartbeatMs).unref();
send({ type: 'ready', version: LOADER_PROTOCOL_VERSION, pid: process.pid });

/**
 * Imports `athanor` (what every experiment imports) and compiles one throw-away module:
 * the first compilation that misses tsx's cache starts esbuild's service (~0.5 s), which
 * must not land on the first real load.
 */
async function warmUp(): Promise<void> {
  await import('athanor').catch(() => undefined);
  const scratch = path.join(tmpdir(), `athanor-loader-warm-${process.pid}-${Date.now()}.ts`);
  try {
    writeFileSync(scratch, `export const warm: number = ${Math.random()};\n`);
    await import(pathToFileURL(scratch).href);
  } catch {
    // warming is an optimisation only
  } finally {
    rmSync(scratch, { force: true });
  }
}

const requireCache = createRequire(import.meta.url).cache;

/**
 * In a project without `"type": "module"` tsx loads `.ts` files as CommonJS, kept in
 * require's cache by path: the load's query does not reach it, so an edited file would keep
 * its old code. Local modules are forgotten there before each load.
 */
function forgetLocalCommonJs(): void {
  for (const key of Object.keys(requireCache)) {
    const relative = path.relative(settings.root, key);
    if (!relative.startsWith('..') && !path.isAbsolute(relative) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete requireCache[key];
  }
}

/** Imports one module (fresh, with its local imports) and reads its definition. */
async function loadModule(file: string): Promise<LoadResult> {
  let namespace: Record<string, unknown>;
  forgetLocalCommonJs();
  try {
    namespace = await import(`${pathToFileURL(file).href}?${LOAD_PARAM}=${++loads}`);
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
    esbuild ??= createRequire(import.meta.resolve('tsx'))('esbuild') as EsbuildLike;
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
