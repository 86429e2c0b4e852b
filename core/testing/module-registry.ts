/**
 * The test harness's experiment registry: one experiment, given as a module object or a
 * file, instead of a watched folder. The workbench takes it through `createWorkbench({
 * registry })`, so a harness run goes through the same service, validation and run kernel
 * as any other.
 *
 * Design note: the definition is read by importing the module into the calling (test)
 * process and calling its `experiment()` — never `run()`. The workbench reads
 * definitions in a loader child instead; a test process already compiles TypeScript
 * (tsx, vitest), and a loader child would add ~0.7 s to every `runExperiment`.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeCodeSnapshot } from '../../plugins/graph/code-snapshot.ts';
import { describeImportError, formatLocation, readSourceOrUndefined } from '../../plugins/loader/load-error-mapper.ts';
import type { ExperimentEntry, ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { AthanorError, NotFoundError } from '../errors.ts';
import type { DefinitionData } from '../experiment/index.ts';
import { experimentModuleOf, type ExperimentModule } from '../run-host/execute-run.ts';
import { importExperimentFile } from './import-experiment.ts';

/**
 * An experiment as a test names it: a path (relative to the working directory), a
 * `file:` URL, or the module itself (`import * as myExperiment from '…'`).
 */
export type ExperimentSource = string | URL | ExperimentModuleLike;

/** A loaded experiment module: `experiment()` and `run()`, named or on a default export. */
export type ExperimentModuleLike =
  | { experiment: () => unknown; run: (ctx: any) => unknown }
  | { default: { experiment: () => unknown; run: (ctx: any) => unknown } };

/** A registry of one experiment, plus what the in-process dispatcher needs to run it. */
export interface ModuleRegistry extends ExperimentRegistry {
  /** The experiment's name, once started. */
  readonly name: string;
  /** The absolute file, or undefined for a module object. */
  readonly file: string | undefined;
  /** The loaded module, once started. */
  module(): ExperimentModule;
}

/** Whether `source` names a file rather than being a module object. */
export function isFileSource(source: ExperimentSource): source is string | URL {
  return typeof source === 'string' || source instanceof URL;
}

/** The absolute path a file source names. */
export function resolveSourcePath(source: string | URL): string {
  if (source instanceof URL) return fileURLToPath(source);
  return source.startsWith('file:') ? fileURLToPath(source) : path.resolve(source);
}

function describeSource(source: unknown): string {
  if (source === null) return 'null';
  if (typeof source === 'object') return `an object with keys ${Object.keys(source).join(', ') || '(none)'}`;
  return `${typeof source} ${JSON.stringify(source) ?? String(source)}`;
}

/**
 * What importing `file` threw, located and worded as the workbench and `athanor run` report
 * it (`experiments/x.ts:3:63: Syntax error: Unexpected ";"`, code ERR_SYNTAX), not esbuild's
 * raw TransformError; the error thrown is its `cause`.
 */
function loadError(error: unknown, file: string): AthanorError {
  // Named from the working directory, as the test named it; a file outside it, from its own folder.
  const root = path.relative(process.cwd(), file).startsWith('..') ? path.dirname(file) : process.cwd();
  const found = describeImportError(error, file, { root, readSource: readSourceOrUndefined });
  return Object.assign(new AthanorError(found.code, `runExperiment: ${formatLocation(found)}: ${found.message}`, { cause: error }), {
    file: found.file,
    ...(found.line === undefined ? {} : { line: found.line, column: found.column }),
  });
}

/** Checks a module object or a path before anything starts; throws a TypeError naming the problem. */
export function checkSource(source: unknown): asserts source is ExperimentSource {
  if (typeof source === 'string' && source !== '') return;
  if (source instanceof URL) {
    if (source.protocol === 'file:') return;
    throw new TypeError(`runExperiment: only file: URLs can name an experiment, got ${source.href}`);
  }
  if (source !== null && typeof source === 'object') {
    experimentModuleOf(source as Record<string, unknown>, 'the module given to runExperiment');
    return;
  }
  throw new TypeError(`runExperiment: expected an experiment module or the path of one, got ${describeSource(source)}`);
}

/** Reads a definition from `experiment()` the way the workbench's loader does, with its messages. */
function readDefinition(module: ExperimentModule, where: string): DefinitionData {
  const definition = module.experiment() as { resolve?: () => DefinitionData } | null | undefined;
  if (typeof definition?.resolve !== 'function') {
    const got = definition === null ? 'null' : typeof definition;
    throw new AthanorError('ERR_INVALID_DEFINITION', `${where}: experiment() returned ${got}; it must return a Definition: return Definition.new().name('…')`);
  }
  const { name, description, schema } = definition.resolve();
  return { name, description: description ?? null, schema };
}

/** Creates the registry; `start()` imports the module (if a path) and reads its definition. */
export function createModuleRegistry(source: ExperimentSource): ModuleRegistry {
  const file = isFileSource(source) ? resolveSourcePath(source) : undefined;
  // What the run context and the run's records show as the experiment's file.
  const shown = file ? path.relative(process.cwd(), file).split(path.sep).join('/') || file : undefined;
  let loaded: ExperimentModule | undefined;
  let definition: DefinitionData | undefined;

  const entry = (): ExperimentEntry => {
    if (!definition) throw new Error('the module registry is not started');
    return { name: definition.name, description: definition.description, file: shown ?? `<module ${definition.name}>`, schema: definition.schema, codeHash: null };
  };
  const known = (name: string) => definition !== undefined && definition.name === name;
  const notFound = (name: string) => new NotFoundError(`unknown experiment "${name}": this harness runs only "${definition?.name}"`);
  const readOnly = () =>
    new AthanorError('ERR_READ_ONLY', `runExperiment's registry holds one experiment and cannot change sources: use createTestWorkbench({ experimentsDir }) for that`);

  return {
    get name() {
      return entry().name;
    },
    file,
    module() {
      if (!loaded) throw new Error('the module registry is not started');
      return loaded;
    },
    async start() {
      if (file) {
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) throw new NotFoundError(`runExperiment: no experiment file at ${file}`);
        loaded = experimentModuleOf(await importExperimentFile(file).catch((error) => Promise.reject(loadError(error, file))), shown!);
      } else {
        loaded = experimentModuleOf(source as Record<string, unknown>, 'the module given to runExperiment');
      }
      definition = readDefinition(loaded, shown ?? 'the module given to runExperiment');
    },
    async stop() {},
    async [Symbol.asyncDispose]() {},
    list: () => (definition ? [entry()] : []),
    get: (name) => (known(name) ? entry() : undefined),
    definition: (name) => (known(name) ? definition : undefined),
    // One module that never changes while a test runs: nothing to publish.
    subscribe: () => () => {},
    async resolveForRun(name) {
      if (!known(name)) throw notFound(name);
      if (!file) return { file: entry().file, codeHash: 'module' };
      const root = path.dirname(file);
      const snapshot = await takeCodeSnapshot(file, root);
      if (!snapshot) throw new NotFoundError(`${file} (experiment "${name}") no longer exists`);
      return { file, codeHash: snapshot.hash, snapshot, root };
    },
    async readSource(name) {
      if (!known(name)) throw notFound(name);
      if (!file) throw new NotFoundError(`experiment "${name}" was given as a module object: it has no source file to read`);
      return { file: shown!, source: await readFile(file, 'utf8') };
    },
    writeSource: async () => {
      throw readOnly();
    },
    createExperiment: async () => {
      throw readOnly();
    },
    whenIdle: async () => {},
  };
}
