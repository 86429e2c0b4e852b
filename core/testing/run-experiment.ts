/**
 * `runExperiment`: one run of an experiment, in a test, against in-memory storage. It
 * builds a workbench (`createWorkbench`) over pg-mem and the given experiment, so the
 * configuration is validated, the run executed, cancelled, timed out and stored by the
 * same code as in `athanor dev`; then it reads back what the run left.
 */
import type { ConfigOf } from '../experiment/index.ts';
import type { LogEntry, Run, RunProgress, RunStatus } from '../records.ts';
import { createLocalDispatcher } from '../supervisor/local-dispatcher.ts';
import type { RunDispatcher, RunProcessHandlers } from '../supervisor/run-dispatcher.ts';
import { createWorkbench, type Workbench } from '../workbench.ts';
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
  let onProgress: (progress: RunProgress) => void = () => {};
  const dispatcher = inProcess ? createInProcessDispatcher({ load: () => registry.module() }) : createLocalDispatcher({ warm: 0 });
  const workbench = await createWorkbench({
    database: 'memory',
    registry,
    runDispatcher: watchProgress(dispatcher, (progress) => onProgress(progress)),
    watch: false,
  });
  try {
    const { experiments, supervisor, bus } = workbench;
    const instance = await experiments.createInstance({ experiment: registry.name, name: 'test', configuration: config ?? {} });
    const created = await experiments.createRun(instance.id, timeout === undefined ? {} : { timeoutMs: timeout });
    const cancel = (why: string) => void supervisor.cancelRun(created.id, `cancelled by runExperiment's cancelAfter: ${why}`).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    if (typeof cancelAfter === 'number') {
      // Counted from the moment the run is running, not from the call: starting a child takes a while.
      const off = bus.subscribe('run.status', (event) => {
        if (event.runId !== created.id || event.status !== 'running') return;
        off();
        timer = setTimeout(() => cancel(`${cancelAfter} ms`), cancelAfter);
      });
    } else if (cancelAfter) {
      onProgress = (progress) => {
        if (progress.current < cancelAfter.progress) return;
        onProgress = () => {};
        cancel(`progress reached ${progress.current}`);
      };
    }
    await experiments.startRun(created.id);
    const run = await experiments.waitForRun(created.id);
    clearTimeout(timer);
    return await readOutcome(workbench, run);
  } finally {
    await workbench.close();
  }
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

async function readOutcome(workbench: Workbench, run: Run): Promise<ExperimentOutcome> {
  const { experiments } = workbench;
  const logs: LogEntry[] = [];
  for (let after: string | null = '0'; after !== null; ) {
    const page = await experiments.readLogs(run.id, { after: Number(after), limit: 10_000 });
    logs.push(...page.items);
    after = page.next;
  }
  const results: Record<string, any> = {};
  const series: Record<string, any[]> = {};
  for (let after: string | null = '0'; after !== null; ) {
    const page = await experiments.readResults(run.id, { view: 'series', after: Number(after), limit: 10_000 });
    for (const { key, value } of page.items) {
      results[key] = value;
      (series[key] ??= []).push(value);
    }
    after = page.next;
  }
  const status = run.status as ExperimentOutcome['status'];
  return { status, error: run.error, logs, results, series, progress: run.progress, run };
}
