/**
 * How `athanor run` and `athanor sweep` open a workbench only for good input: the request is
 * checked against the experiments (definitions from the cache, or loaded) before anything is
 * written, while storage opens meanwhile where opening it writes nothing. Bad input closes
 * what opened and leaves nothing behind (no run host kept, no new PGlite folder).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createExperimentRegistry, type ExperimentRegistry, type ExperimentRegistryOptions } from '../../plugins/experiment-registry.ts';
import { openDatabase, parseDatabaseSpec } from '../../storage/open-database.ts';
import type { LocalDispatcher } from '../supervisor/local-dispatcher.ts';
import { createWorkbench, type Workbench, type WorkbenchOptions } from '../workbench.ts';
import { openingDatabase } from './environment-error.ts';

/**
 * Whether opening `spec` writes nothing a bad request could leave behind: memory, a
 * Postgres server, a PGlite folder that exists. A new PGlite folder is created only once
 * the input is known to be good.
 */
function opensWithoutWriting(spec: string): boolean {
  const parsed = parseDatabaseSpec(spec);
  return parsed.kind !== 'pglite' || existsSync(path.resolve(parsed.dir));
}

export interface CheckedWorkbenchOptions<T> {
  database: string;
  experimentsDir: string;
  /** Checks the request against the loaded experiments; throws for bad input. */
  check(registry: ExperimentRegistry): T;
  /** The run dispatcher the workbench takes over (`athanor run`'s, whose warm host may hold the experiment); stopped on bad input. */
  dispatcher?: LocalDispatcher;
  /** The registry's `loadFirst` (`athanor run` loads its experiment in the run's host). */
  loadFirst?: ExperimentRegistryOptions['loadFirst'];
  /** The workbench's supervisor options (`athanor run` publishes every log line to its terminal). */
  supervisor?: WorkbenchOptions['supervisor'];
}

/** Checks the request, then opens the workbench over what is already loaded and opened. */
export async function openCheckedWorkbench<T>(options: CheckedWorkbenchOptions<T>): Promise<{ workbench: Workbench; checked: T }> {
  const { database, experimentsDir, dispatcher } = options;
  parseDatabaseSpec(database); // a spec that names no database is bad input, found first (`athanor run` reads it before its host starts)
  const registry = createExperimentRegistry({ experimentsDir, watch: false, cache: true, loadFirst: options.loadFirst });
  const storage = opensWithoutWriting(database) ? openDatabase(database) : undefined;
  storage?.catch(() => {}); // awaited by the workbench, or closed below
  let checked: T;
  try {
    await registry.start();
    checked = options.check(registry);
  } catch (error) {
    await Promise.allSettled([registry.stop(), dispatcher?.stop(), storage?.then((opened) => opened.close())]);
    throw error;
  }
  const workbench = await openingDatabase(database, () =>
    createWorkbench({
      experimentsDir,
      database,
      watch: false,
      registry,
      runDispatcher: dispatcher,
      storage: storage ?? openDatabase(database),
      supervisor: options.supervisor,
    }),
  );
  return { workbench, checked };
}
