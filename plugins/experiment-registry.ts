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
 * const { file, codeHash } = await registry.resolveForRun('my_experiment');
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DefinitionData } from '../core/experiment/index.ts';
import { scanModuleFiles } from './discovery/experiment-files.ts';
import { computeCodeHash, readNodeFromDisk } from './graph/module-graph.ts';
import { createDefinitionLoader, type DefinitionLoader, type DefinitionLoaderOptions } from './loader/definition-loader.ts';
import { ExperimentLoadError } from './registry/experiment-load-error.ts';
import { ReloadPipeline } from './registry/reload-pipeline.ts';
import type { ExperimentEntry, ExperimentRegistry, RegistryEvent } from './registry/registry-types.ts';
import { createSourceAccess, type SourceAccess } from './source/source-access.ts';
import { SourceAccessError } from './source/source-access-error.ts';
import { DEFAULT_MAX_SOURCE_BYTES } from './source/source-files.ts';
import { createExperimentWatcher, type FileWatcher } from './watch/experiment-watcher.ts';

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
  /** Errors that have no caller to go to: a failing listener, the watcher. Default: console.error. */
  onError?(error: unknown): void;
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
  readonly #source: SourceAccess;
  readonly #listeners = new Set<(event: RegistryEvent) => void>();
  readonly #onError: (error: unknown) => void;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(options: ExperimentRegistryOptions) {
    const root = (this.#root = path.resolve(options.experimentsDir));
    this.#onError = options.onError ?? ((error) => console.error('athanor: experiment registry:', error));
    this.#loader = createDefinitionLoader({ ...options.loader, root, timeoutMs: options.loadTimeoutMs ?? 10_000 });
    this.#pipeline = new ReloadPipeline({
      root,
      loader: this.#loader,
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
    this.#source = createSourceAccess({
      root,
      maxBytes: options.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES,
      lookup: (name) => this.get(name),
      reload: async (file) => {
        await this.#pipeline.refresh(file);
        await this.#pipeline.whenFileSettled(file); // the watcher's echo of our own write may have taken over
        this.#pipeline.flush();
        return this.#pipeline.table.entryOf(file);
      },
    });
  }

  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const info = await stat(this.#root).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new SourceAccessError('ERR_NOT_FOUND', `the experiments folder ${this.#root} does not exist: create it or pass --experiments DIR`);
    }
    if (this.#stopped) return;
    let files: string[];
    try {
      [files] = await Promise.all([scanModuleFiles(this.#root), this.#watcher?.start(), this.#loader.start()]);
    } catch (error) {
      if (this.#stopped) return; // stopped while starting: the watcher's start fails, as it should
      throw error;
    }
    if (this.#stopped) return;
    await this.#pipeline.loadAll(files);
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

  async resolveForRun(name: string): Promise<{ file: string; codeHash: string }> {
    const entry = this.get(name);
    if (!entry) throw new SourceAccessError('ERR_NOT_FOUND', `no experiment named ${JSON.stringify(name)} in ${this.#root}`);
    const file = path.join(this.#root, entry.file);
    const codeHash = await computeCodeHash(file, this.#root, readNodeFromDisk);
    if (codeHash === undefined) throw new SourceAccessError('ERR_NOT_FOUND', `${entry.file} (experiment "${name}") no longer exists`);
    return { file, codeHash };
  }

  readSource(name: string): Promise<{ file: string; source: string }> {
    return this.#source.readSource(name);
  }

  writeSource(name: string, source: string): Promise<{ file: string; experiment?: ExperimentEntry }> {
    return this.#source.writeSource(name, source);
  }

  createExperiment(fileName: string, options?: { name?: string }): Promise<{ file: string; experiment?: ExperimentEntry }> {
    return this.#source.createExperiment(fileName, options);
  }

  whenIdle(): Promise<void> {
    return this.#pipeline.whenIdle();
  }

  /** A folder appeared or vanished: look again at every module in it and every module we knew there. */
  async #folderChanged(folder: string): Promise<void> {
    const found = await scanModuleFiles(folder).catch(() => []);
    for (const file of new Set([...found, ...this.#pipeline.modules.knownUnder(folder)])) this.#pipeline.touch(file);
  }

  #publish(events: RegistryEvent[]): void {
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
