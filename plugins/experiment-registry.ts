/**
 * The experiment registry: discovers the experiment modules of a folder, loads their
 * definitions in a warm loader process (never in the workbench process, never calling
 * `run()`), keeps them current as files change (chokidar), and publishes
 * `experiment.changed` / `experiment.removed`. Broken experiments are listed with a
 * located error; the rest keep working.
 *
 * @example
 * await using registry = createExperimentRegistry({ experimentsDir: 'experiments' });
 * await registry.start();
 * const off = registry.subscribe((event) => console.log(event.type));
 * const { file, codeHash, snapshot } = await registry.resolveForRun('my_experiment');
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { DefinitionData } from '../core/experiment/index.ts';
import { scanModuleFiles } from './discovery/experiment-files.ts';
import { checkExperimentsFolder, folderError } from './discovery/experiments-folder.ts';
import { takeCodeSnapshot, type CodeSnapshot } from './graph/code-snapshot.ts';
import { createDefinitionLoader, type DefinitionLoader, type DefinitionLoaderOptions } from './loader/definition-loader.ts';
import type { LoadResult } from './loader/loader-protocol.ts';
import { openDefinitionsCache, type DefinitionsCache } from './registry/definitions-cache.ts';
import { ExperimentLoadError } from './registry/experiment-load-error.ts';
import { ReloadPipeline } from './registry/reload-pipeline.ts';
import type { ExperimentEntry, ExperimentRegistry, RegistryEvent } from './registry/registry-types.ts';
import type { SourceAccess } from './source/source-access.ts';
import { SourceAccessError } from './source/source-access-error.ts';
import { createExperimentWatcher, WatchError, type FileWatcher } from './watch/experiment-watcher.ts';

export type {
  ExperimentEntry,
  ExperimentError,
  ExperimentErrorCode,
  ExperimentRegistry,
  RegistryEvent,
} from './registry/registry-types.ts';
export type { JSONSchema } from '../core/experiment/index.ts';
export { ExperimentLoadError } from './registry/experiment-load-error.ts';
export { SourceAccessError, type SourceAccessErrorCode } from './source/source-access-error.ts';

/** Options of {@link createExperimentRegistry}. */
export interface ExperimentRegistryOptions {
  /** The experiments folder. */
  experimentsDir: string;
  /** Watch for changes (default true); the CLI's `list` and `types` pass false. */
  watch?: boolean;
  /** A module whose top level (or `experiment()`) takes longer is reported `ERR_LOAD_TIMEOUT`. Default 10 000 ms. */
  loadTimeoutMs?: number;
  /** Quiet time before a changed file reloads (merges editor bursts). Default 25 ms. */
  debounceMs?: number;
  /** Largest source `writeSource` accepts and `readSource` returns. Default 1 MiB. */
  maxSourceBytes?: number;
  /** Loader process tuning (concurrency, recycling). */
  loader?: Omit<DefinitionLoaderOptions, 'root' | 'timeoutMs'>;
  /**
   * An experiments folder holding more folders than this (node_modules and dot-folders
   * aside) is refused at start, `ERR_TOO_LARGE`: it is the wrong folder (`/`, a home
   * folder), whose scan and watch would walk the whole machine. Default 10,000.
   */
  maxFolders?: number;
  /** Errors that have no caller to go to: a failing listener, the watcher. Default: console.error (one line for a watch error). */
  onError?(error: unknown): void;
  /**
   * Keep load results in `<experiments>/.athanor/definitions.json` and reuse those whose code
   * hash is unchanged (definitions-cache.ts), so an unchanged folder loads without a loader
   * process: the commands (`dev`, `serve`, `mcp`, `list`, `run`, `types`, `sweep`) pass true. Default false.
   */
  cache?: boolean;
  /**
   * Asked first for a module the cache does not hold (given what the file last loaded as, if
   * the cache remembers): a result, or undefined to load it in the loader process.
   * `athanor run` loads the experiment it will run in that run's own process this way.
   */
  loadFirst?(file: string, previous: LoadResult | undefined): Promise<LoadResult | undefined>;
}

const DEFAULT_MAX_FOLDERS = 10_000;

function printError(error: unknown): void {
  if (error instanceof WatchError) console.error(`athanor: ${error.message}`);
  else console.error('athanor: experiment registry:', error);
}

/** Creates a registry over `experimentsDir`; call `start()` to populate it. */
export function createExperimentRegistry(options: ExperimentRegistryOptions): ExperimentRegistry {
  return new FolderExperimentRegistry(options);
}

class FolderExperimentRegistry implements ExperimentRegistry {
  readonly #root: string;
  readonly #loader: DefinitionLoader;
  readonly #pipeline: ReloadPipeline;
  readonly #watcher: FileWatcher | undefined;
  #source: Promise<SourceAccess> | undefined;
  readonly #maxSourceBytes: number | undefined;
  readonly #listeners = new Set<(event: RegistryEvent) => void>();
  readonly #onError: (error: unknown) => void;
  readonly #maxFolders: number;
  readonly #useCache: boolean;
  #cache: DefinitionsCache | undefined;
  #started: Promise<void> | undefined;
  #outsideLook: Promise<void> | undefined;
  #outsideNext: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: ExperimentRegistryOptions) {
    const root = (this.#root = path.resolve(options.experimentsDir));
    this.#onError = options.onError ?? printError;
    this.#maxFolders = options.maxFolders ?? DEFAULT_MAX_FOLDERS;
    this.#loader = createDefinitionLoader({ ...options.loader, root, timeoutMs: options.loadTimeoutMs ?? 10_000 });
    this.#useCache = options.cache ?? false;
    const loadFirst = options.loadFirst;
    this.#pipeline = new ReloadPipeline({
      root,
      loader: {
        load: async (file, codeHash) => {
          const cache = this.#cache;
          const kept = cache?.lookup(file, codeHash);
          if (kept) return kept;
          const result = (await loadFirst?.(file, cache?.previous(file))) ?? (await this.#loader.load(file));
          cache?.store(file, codeHash, result);
          return result;
        },
      },
      debounceMs: options.debounceMs ?? 25,
      commitDelayMs: 100,
      publish: (events) => this.#publish(events),
    });
    this.#watcher =
      options.watch === false
        ? undefined
        : createExperimentWatcher({
            root,
            onPath: (file) => this.#pipeline.touch(file),
            onFolder: (folder) => void this.#folderChanged(folder),
            onError: this.#onError,
          });
    this.#maxSourceBytes = options.maxSourceBytes;
  }

  /** Source access, imported on first use: `list` and `run` never read or write sources (and it loads the definition builder). */
  #sourceAccess(): Promise<SourceAccess> {
    this.#source ??= Promise.all([import('./source/source-access.ts'), import('./source/source-files.ts')]).then(([{ createSourceAccess }, { DEFAULT_MAX_SOURCE_BYTES }]) =>
      createSourceAccess({
        root: this.#root,
        maxBytes: this.#maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES,
        lookup: (name) => this.get(name),
        reload: async (file) => {
          await this.#pipeline.refresh(file);
          await this.#pipeline.whenFileSettled(file); // the watcher's echo of our own write may have taken over
          this.#pipeline.flush();
          return this.#pipeline.table.entryOf(file);
        },
      }),
    );
    return this.#source;
  }

  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    await checkExperimentsFolder(this.#root);
    if (this.#stopped) return;
    const cache = this.#useCache ? await openDefinitionsCache(this.#root) : undefined;
    this.#cache = cache;
    // Warmed at once unless a cache may spare it: then the first module it misses starts it.
    const loading = cache && !cache.empty ? undefined : this.#loader.start();
    loading?.catch(() => {}); // awaited below; a scan failing first must not leave it unhandled
    try {
      // Scanned before watching: the scan refuses a folder it cannot read or that is far too
      // large, and the watcher must never walk such a folder.
      const files = await this.#scan();
      if (this.#stopped) return;
      await Promise.all([this.#watcher?.start(), loading]);
      if (this.#stopped) return;
      await this.#pipeline.loadAll(files);
      await this.#watchOutside(); // watched before start() resolves, as the folder is
      if (cache) {
        cache.retain(files);
        await cache.save();
      }
      // Loaded from the cache, a watched folder still wants the loader for its first edit:
      // started now, after the start it must not slow.
      if (!loading && this.#watcher && !this.#stopped) this.#loader.start().catch(() => {});
    } catch (error) {
      if (this.#stopped) return; // stopped while starting: the watcher's start fails, as it should
      await this.stop(); // no watcher thread or loader process left behind to keep the process alive
      throw error;
    }
  }

  /** The modules of the folder; refuses one it cannot read or that is far too large. */
  async #scan(): Promise<string[]> {
    try {
      await access(this.#root, constants.R_OK | constants.X_OK);
      return await scanModuleFiles(this.#root, { maxFolders: this.#maxFolders });
    } catch (error) {
      throw folderError(this.#root, error);
    }
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#pipeline.close();
      await Promise.allSettled([this.#watcher?.stop(), this.#loader.stop()]);
    })();
    return this.#stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  list(): ExperimentEntry[] {
    return this.#pipeline.table.list();
  }

  get(name: string): ExperimentEntry | undefined {
    return this.#pipeline.table.get(name);
  }

  definition(name: string): DefinitionData | Error | undefined {
    const entry = this.get(name);
    if (!entry) return undefined;
    if (entry.error) return new ExperimentLoadError(name, entry.error);
    return this.#pipeline.table.record(path.join(this.#root, entry.file))?.definition;
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async resolveForRun(name: string): Promise<{ file: string; codeHash: string; snapshot: CodeSnapshot; root: string }> {
    const entry = this.get(name);
    if (!entry) throw new SourceAccessError('ERR_NOT_FOUND', `no experiment named ${JSON.stringify(name)} in ${this.#root}`);
    const file = path.join(this.#root, entry.file);
    const snapshot = await takeCodeSnapshot(file, this.#root);
    if (!snapshot) throw new SourceAccessError('ERR_NOT_FOUND', `${entry.file} (experiment "${name}") no longer exists`);
    return { file, codeHash: snapshot.hash, snapshot, root: this.#root };
  }

  async readSource(name: string): Promise<{ file: string; source: string }> {
    return (await this.#sourceAccess()).readSource(name);
  }

  async writeSource(name: string, source: string, options?: { base?: string }): Promise<{ file: string; experiment?: ExperimentEntry }> {
    return (await this.#sourceAccess()).writeSource(name, source, options);
  }

  async createExperiment(fileName: string, options?: { name?: string; source?: string }): Promise<{ file: string; experiment?: ExperimentEntry }> {
    return (await this.#sourceAccess()).createExperiment(fileName, options);
  }

  whenIdle(): Promise<void> {
    return this.#pipeline.whenIdle();
  }

  /** A folder appeared or vanished: look again at every module in it and every module we knew there. */
  async #folderChanged(folder: string): Promise<void> {
    const found = await scanModuleFiles(folder).catch(() => []);
    for (const file of new Set([...found, ...this.#pipeline.modules.knownUnder(folder)])) this.#pipeline.touch(file);
  }

  /**
   * Has the watcher watch the files outside the folder that its modules import (a project's
   * `../src/` helpers), as their imports are found. One look at a time; a look asked for
   * while one runs is made once after it, and its promise is what those callers get.
   */
  #watchOutside(): Promise<void> {
    if (!this.#watcher?.watchFiles || this.#stopped) return Promise.resolve();
    if (!this.#outsideNext) {
      const next = (this.#outsideLook ?? Promise.resolve()).then(() => {
        this.#outsideNext = undefined;
        return this.#lookOutside();
      });
      this.#outsideLook = this.#outsideNext = next;
    }
    return this.#outsideNext;
  }

  async #lookOutside(): Promise<void> {
    try {
      // All of them each time: the watcher thread keeps what it watches, and adds only folders it does not.
      const files = await this.#pipeline.modules.outsideImports();
      if (files.length && !this.#stopped) await this.#watcher?.watchFiles?.(files);
    } catch (error) {
      this.#onError(error);
    }
  }

  #publish(events: RegistryEvent[]): void {
    if (events.length && this.#started) void this.#watchOutside();
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.#onError(error);
        }
      }
    }
  }
}
