/**
 * The registry's public shapes: what the rest of Athanor (the service, HTTP, CLI, UI)
 * codes against. Everything here is plain data that crosses processes and HTTP as JSON.
 */
import type { CodeSnapshot } from '../../core/records.ts';
import type { DefinitionData, JSONSchema } from '../../core/experiment/index.ts';

/**
 * Why an experiment could not be loaded. Stable strings: the UI and HTTP clients switch on them.
 *
 * - `ERR_SYNTAX`: the module (or a module it imports) does not parse, or imports a name the
 *   other module does not export.
 * - `ERR_IMPORT_NOT_FOUND`: it imports a file or package that does not exist.
 * - `ERR_TOP_LEVEL_THROW`: evaluating the module threw.
 * - `ERR_MISSING_EXPORT`: it exports `experiment()` without `run()`, or the reverse.
 * - `ERR_INVALID_DEFINITION`: `experiment()` broke a definition rule (DefinitionError) or
 *   returned something that is not a Definition.
 * - `ERR_EXPERIMENT_THROW`: `experiment()` threw something other than a DefinitionError.
 * - `ERR_DUPLICATE_NAME`: another file already declares this experiment's name.
 * - `ERR_LOAD_TIMEOUT`: the module's top level (or `experiment()`) did not settle in time.
 * - `ERR_LOADER_CRASH`: the module ended the loader process (`process.exit()`, a crash).
 */
export type ExperimentErrorCode =
  | 'ERR_SYNTAX'
  | 'ERR_IMPORT_NOT_FOUND'
  | 'ERR_TOP_LEVEL_THROW'
  | 'ERR_MISSING_EXPORT'
  | 'ERR_INVALID_DEFINITION'
  | 'ERR_EXPERIMENT_THROW'
  | 'ERR_DUPLICATE_NAME'
  | 'ERR_LOAD_TIMEOUT'
  | 'ERR_LOADER_CRASH';

/** A load problem, located where possible. */
export interface ExperimentError {
  /** What went wrong and, where it helps, what to do next. */
  message: string;
  /** The file at fault, relative to the experiments folder with forward slashes (a helper, when a helper broke). */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** 1-based column, when known. */
  column?: number;
  /** One of {@link ExperimentErrorCode} (typed `string` so clients tolerate new codes). */
  code: ExperimentErrorCode | (string & {});
}

/** One listed experiment: a file that exports `experiment()` and `run()`, loaded or broken. */
export interface ExperimentEntry {
  /** The definition's name; for a file that never loaded (or lost a name clash), a name made from its file name. */
  name: string;
  description: string | null;
  /** Path relative to the experiments folder, with forward slashes. */
  file: string;
  /** The configuration's JSON Schema; for a broken experiment, the last one that loaded, or null. */
  schema: JSONSchema | null;
  /** sha256 (hex) of the module and the local modules it imports, as last loaded. */
  codeHash: string | null;
  /** Set when the experiment is broken; the rest of the entry is its last good state. */
  error?: ExperimentError;
}

/** What the registry publishes when an experiment appears, changes, breaks, is fixed or goes away. */
export type RegistryEvent =
  | { type: 'experiment.changed'; experiment: ExperimentEntry }
  | { type: 'experiment.removed'; name: string; file: string };

/**
 * The live set of experiments in a folder.
 *
 * @example
 * await using registry = createExperimentRegistry({ experimentsDir: 'experiments' });
 * await registry.start();
 * registry.subscribe((event) => console.log(event.type));
 * console.log(registry.list().map((e) => e.name));
 */
export interface ExperimentRegistry {
  /** Initial discovery and load (and the watcher, unless `watch: false`); resolves when populated. */
  start(): Promise<void>;
  /** Closes the watcher and the loader process. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** Every listed experiment, sorted by name. */
  list(): ExperimentEntry[];
  get(name: string): ExperimentEntry | undefined;
  /** For the service: `undefined` = unknown, an Error (with `code`) = broken. */
  definition(name: string): DefinitionData | Error | undefined;
  /** Listens to every registry event; returns the unsubscribe function. */
  subscribe(listener: (event: RegistryEvent) => void): () => void;
  /**
   * Absolute path of the experiment's file, a fresh code hash, and the code itself (the
   * module and its local imports, relative to `root`), read at call time (right before a run starts).
   */
  resolveForRun(name: string): Promise<{ file: string; codeHash: string; snapshot?: CodeSnapshot; root?: string }>;
  /** The experiment's source, by name. */
  readSource(name: string): Promise<{ file: string; source: string }>;
  /**
   * Saves the source atomically, waits for the reload, and returns the resulting entry (with its
   * error, if any). With `base`, a file that no longer holds that text is refused (ERR_CONFLICT).
   */
  writeSource(name: string, source: string, options?: { base?: string }): Promise<{ file: string; experiment?: ExperimentEntry }>;
  /** Creates a new experiment file from the template; refuses existing files and taken names. */
  createExperiment(fileName: string, options?: { name?: string; source?: string }): Promise<{ file: string; experiment?: ExperimentEntry }>;
  /** Resolves when no reload is pending. */
  whenIdle(): Promise<void>;
}
