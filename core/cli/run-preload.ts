/**
 * How `athanor run` loads its experiment in the process that will run it.
 */
import path from 'node:path';
import type { LoadResult } from '../../plugins/loader/loader-protocol.ts';
import type { LocalDispatcher } from '../supervisor/local-dispatcher.ts';

/** How long the run's host may take to import the experiment and read its definition (the loader's default). */
const PRELOAD_TIMEOUT_MS = 10_000;

/** What {@link runHostPreloader} gives the registry, and what it loaded. */
export interface RunHostPreloader {
  /** The registry's `loadFirst`: the experiment's module is loaded in the run's host; any other, by the loader. */
  loadFirst(file: string, previous: LoadResult | undefined): Promise<LoadResult | undefined>;
  /** Keeps what the warm host loaded only if it is `entry`'s module (else the run gets a host of its own). */
  keepOnlyFor(entry: { file: string }): void;
}

/**
 * The registry asks this first for each module its cache does not hold. The module that
 * holds experiment `name` — by what the cache remembers it declared, else by its file name
 * (`my_experiment.ts`) — is imported in the run's warm host, once. A module that fails
 * there is left to the loader process, whose errors are located (file:line:column); an
 * unchanged experiment is never loaded before its run (its definition is cached). The
 * experiment's files are relative to `experimentsDir`.
 */
export function runHostPreloader(dispatcher: LocalDispatcher, experimentsDir: string, name: string | undefined): RunHostPreloader {
  let tried = false;
  let loaded: string | undefined;
  return {
    async loadFirst(file, previous) {
      if (tried || name === undefined) return undefined;
      const declared = previous?.kind === 'experiment' ? previous.definition.name : path.basename(file).replace(/\.[^.]+$/, '');
      if (declared !== name) return undefined;
      tried = true;
      const answer = await dispatcher.preload(file, PRELOAD_TIMEOUT_MS).catch(() => undefined);
      if (!answer?.definition) return undefined;
      loaded = file;
      return { kind: 'experiment', definition: answer.definition };
    },
    keepOnlyFor(entry) {
      if (loaded !== path.join(path.resolve(experimentsDir), entry.file)) dispatcher.dropPreloaded();
    },
  };
}
