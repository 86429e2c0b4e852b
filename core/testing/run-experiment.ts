/**
 * `runExperiment`: one run of an experiment, in a test. The configuration is validated and
 * the run executed, limited, timed out and cancelled by the workbench's own code (its
 * validator, its run server and dispatchers, as in `athanor dev`); what the run records is
 * kept in memory (core/supervisor/memory-run.ts), not in a database, so a test pays for its experiment
 * and little else.
 */
import { InputError } from '../errors.ts';
import { createEventBus } from '../events/event-bus.ts';
import { ConfigValidationError, validateConfig, type ConfigOf } from '../experiment/index.ts';
import type { LogEntry, Run, RunEnvironment, RunProgress, RunStatus } from '../records.ts';
import { createLocalDispatcher } from '../supervisor/local-dispatcher.ts';
import { createMemoryRunStore, memoryRunServer, newMemoryInstance, newMemoryRun, prepareFromRegistry } from '../supervisor/memory-run.ts';
import type { RunDispatcher, RunProcessHandlers } from '../supervisor/run-dispatcher.ts';
import { readRunEnvironment } from '../supervisor/run-environment.ts';
import { createInProcessDispatcher } from './in-process-dispatcher.ts';
import { checkSource, createModuleRegistry, isFileSource, type ExperimentSource } from './module-registry.ts';
import { checkRunOptions, type RunExperimentOptions } from './run-options.ts';

export type { RunExperimentOptions } from './run-options.ts';

/** A configuration as a test gives it: any field may be left out (defaults apply). */
export type ConfigInput<C> = {
  [K in keyof C]?: C[K] extends readonly (infer I)[] ? ConfigInput<I>[] : C[K] extends object ? ConfigInput<C[K]> : C[K];
};

/** The configuration type of an experiment module; a plain record for a path. */
export type ConfigOfSource<S> = [ConfigOfModule<S>] extends [never] ? Record<string, unknown> : ConfigOfModule<S>;
type ConfigOfModule<S> = S extends { experiment: infer E } ? ConfigOf<E> : S extends { default: { experiment: infer E } } ? ConfigOf<E> : never;

/** How a run ended, with everything it recorded. */
export interface ExperimentOutcome {
  /** `completed`, `failed` or `cancelled`. */
  status: Exclude<RunStatus, 'pending' | 'running'>;
  /** Why it failed or was cancelled (a failure's message, then its stack); null when completed. */
  error: string | null;
  /** Every log entry, in order: `Runtime.log`, `logBatch`, warnings, and what it printed (`console.log` → info, `console.error` → error). */
  logs: LogEntry[];
  // Results are JSON of whatever shape the experiment chose: `any`, so a test can reach into them.
  /** The latest value of each result key (`Runtime.result(ctx, key, value)`). */
  results: Record<string, any>;
  /** Every value of each result key, in order (a key given again adds a point). */
  series: Record<string, any[]>;
  /** The last progress it reported, or null. */
  progress: RunProgress | null;
  /** The run's final record: ids, times, `codeHash`, counts. */
  run: Run;
}

/**
 * Runs an experiment once, against in-memory storage, and resolves with how it ended and
 * everything it recorded. A run that fails or is cancelled resolves too (look at
 * `status`); what rejects is bad input: an invalid configuration rejects with the
 * workbench's `ConfigValidationError` (`errors: [{path, message}]`), a missing file or a
 * broken definition with their errors, a bad option with a TypeError naming it.
 *
 * Given a path (relative to the working directory, or a `file:` URL), the run executes in
 * a child process, as in the workbench. Given the module itself, or with `{ inProcess:
 * true }`, it executes in this process: faster, and breakpoints work. See
 * {@link RunExperimentOptions} for `cancelAfter` and `timeout`.
 *
 * @example
 * import { runExperiment } from 'athanor/testing';
 *
 * const outcome = await runExperiment('experiments/my_experiment.ts', { iterations: 3 });
 * assert.equal(outcome.status, 'completed');
 * assert.equal(outcome.results.iteration_3.iteration, 3);
 *
 * @example
 * // In this process, from the module; cancelled once it has reported progress 2.
 * import * as myExperiment from '../experiments/my_experiment.ts';
 * const outcome = await runExperiment(myExperiment, { iterations: 50 }, { cancelAfter: { progress: 2 } });
 */
export async function runExperiment<S extends ExperimentSource>(
  source: S,
  config?: ConfigInput<ConfigOfSource<S>>,
  options: RunExperimentOptions = {},
): Promise<ExperimentOutcome> {
  checkSource(source);
  const { inProcess, cancelAfter, timeout } = checkRunOptions(options, isFileSource(source));
  const registry = createModuleRegistry(source);
  await registry.start();
  const name = registry.name;
  const definition = registry.definition(name);
  if (!definition || definition instanceof Error) throw definition ?? new Error(`runExperiment: no definition of "${name}"`);
  // The workbench's own check (an instance's configuration): the same errors, defaults applied.
  if (config === null) throw new InputError('configuration must be an object of field values, got null');
  const checked = validateConfig<Record<string, unknown>>(definition.schema, config ?? {});
  if (!checked.ok) throw new ConfigValidationError(checked.errors, `configuration for "${name}"`);

  const instance = newMemoryInstance(name, 'test', checked.value);
  // The harness runs one attempt: retries are the workbench's (a test sees each failure).
  const store = createMemoryRunStore(newMemoryRun({ instanceId: instance.id, options: timeout === undefined ? {} : { timeoutMs: timeout } }));
  let onProgress: (progress: RunProgress) => void = () => {};
  const dispatcher = inProcess ? createInProcessDispatcher({ load: () => registry.module() }) : sharedChildDispatcher();
  const server = memoryRunServer({
    store,
    prepare: prepareFromRegistry(registry, instance, checked.value, environmentOf),
    bus: createEventBus(),
    dispatcher: watchProgress(dispatcher, (progress) => onProgress(progress)),
    owner: 'athanor/testing',
  });
  const cancel = (why: string) => server.cancel(`cancelled by runExperiment's cancelAfter: ${why}`);
  let timer: NodeJS.Timeout | undefined;
  if (cancelAfter !== undefined && typeof cancelAfter !== 'number') {
    onProgress = (progress) => {
      if (progress.current < cancelAfter.progress) return;
      onProgress = () => {};
      cancel(`progress reached ${progress.current}`);
    };
  }
  await server.start();
  // Counted from the moment the run is running, not from the call: starting a child takes a while.
  if (typeof cancelAfter === 'number' && store.run.status === 'running') timer = setTimeout(() => cancel(`${cancelAfter} ms`), cancelAfter);
  const run = await server.done;
  clearTimeout(timer);
  if (inProcess) await dispatcher.stop();
  const results: Record<string, any> = {};
  const series: Record<string, any[]> = {};
  for (const { key, value } of store.results) {
    results[key] = value;
    (series[key] ??= []).push(value);
  }
  const status = run.status as ExperimentOutcome['status'];
  return { status, error: run.error, logs: store.logs, results, series, progress: run.progress, run };
}

/**
 * Where a run of this code ran (Node, athanor, the host, git's commit and whether the code
 * differs from it), read once per test process for each folder and code: a test file's
 * runs of one experiment ask git once, not each run (it was ~25 ms of every in-process run).
 */
const environments = new Map<string, Promise<RunEnvironment>>();
function environmentOf(root: string, files: readonly string[], codeHash: string | undefined): Promise<RunEnvironment> {
  const read = () => readRunEnvironment(root, files, codeHash).then((reading) => reading.environment);
  if (codeHash === undefined) return read();
  const key = `${root}\0${codeHash}`;
  let environment = environments.get(key);
  if (!environment) {
    if (environments.size >= 100) environments.delete(environments.keys().next().value!);
    environment = read();
    environment.catch(() => environments.delete(key)); // a failed read is tried again next run
    environments.set(key, environment);
  }
  return environment.then((shared) => structuredClone(shared)); // each outcome its own
}

/**
 * Child runs share one dispatcher per test process, which keeps a run host warm (started,
 * tsx loaded) for the next `runExperiment`: a test file's runs after the first skip the
 * ~0.5 s a host takes to start. Its idle host never keeps the test process alive.
 */
let childDispatcher: RunDispatcher | undefined;
function sharedChildDispatcher(): RunDispatcher {
  return (childDispatcher ??= createLocalDispatcher({ warm: 1, unrefIdle: true }));
}

/** A dispatcher that also tells `onProgress` of every progress the run reports, as it arrives. */
function watchProgress(dispatcher: RunDispatcher, onProgress: (progress: RunProgress) => void): RunDispatcher {
  return {
    launch: (handlers, limits) => {
      // Raw frame bytes (parsed off this thread) would bypass us: ask for parsed frames.
      const { onFrameBytes: _bytes, ...parsed } = handlers as RunProcessHandlers & { onFrameBytes?: unknown };
      return dispatcher.launch({
        ...parsed,
        onFrame(frame) {
          handlers.onFrame(frame);
          if (frame.t === 'batch' && frame.progress) onProgress(frame.progress);
        },
      }, limits);
    },
    stop: () => dispatcher.stop(),
  };
}
