/**
 * `athanor run --db memory`: a database that ends with the command keeps nothing anyone can
 * read, so the run's record stays in memory (core/supervisor/memory-run.ts) and no database
 * opens (pg-mem, Kysely and the migrations were ~0.3 s of a one-line run's ~0.75 s). What
 * the command prints and returns is the same as with a database: the run goes through the
 * workbench's own run server, on the warm host the command started, its logs and progress
 * printed as they come, Ctrl-C cancels it, a failure is retried as its definition asks,
 * and the end is reported with each result's latest value.
 */
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createEventBus } from '../events/event-bus.ts';
import { definitionRetries } from '../experiments/service-context.ts';
import { shouldRetry, type Instance, type Run } from '../records.ts';
import type { LocalDispatcher } from '../supervisor/local-dispatcher.ts';
import { createMemoryRunStore, memoryRunServer, newMemoryInstance, newMemoryRun, prepareFromRegistry, type MemoryRunStore } from '../supervisor/memory-run.ts';
import { retryLine } from './run-attempts.ts';
import { checkRequest, cliInstanceName, newInstanceConfiguration, type RunRequest } from './run-input.ts';
import { runHostPreloader } from './run-preload.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from './run-report.ts';

/**
 * Checks the request against the experiments (cached definitions, or the run's host loading
 * its own) and makes the run's instance: new, as every instance of a memory database is
 * (`--instance NAME` names it). Bad input stops the host.
 */
async function checked(dispatcher: LocalDispatcher, experimentsDir: string, request: RunRequest): Promise<{ registry: ExperimentRegistry; instance: Instance }> {
  const preloader = runHostPreloader(dispatcher, experimentsDir, request.experiment);
  const registry = createExperimentRegistry({ experimentsDir, watch: false, cache: true, loadFirst: preloader.loadFirst });
  try {
    await registry.start();
    const { entry, configuration } = checkRequest(registry.list(), request);
    preloader.keepOnlyFor(entry);
    const name = request.instance?.trim() ?? cliInstanceName();
    return { registry, instance: newMemoryInstance(entry.name, name, configuration ?? newInstanceConfiguration(entry, request)) };
  } catch (error) {
    await Promise.allSettled([registry.stop(), dispatcher.stop()]);
    throw error;
  }
}

/** Runs `request` with its record in memory, on `dispatcher`'s warm host; returns the exit code. */
export async function runInMemory(dispatcher: LocalDispatcher, experimentsDir: string, request: RunRequest, io: RunCommandIO): Promise<number> {
  const { registry, instance } = await checked(dispatcher, experimentsDir, request);
  const retries = definitionRetries(registry.definition(instance.experiment));
  const bus = createEventBus();
  const follower = new RunFollower(io, request.json);
  let store: MemoryRunStore = createMemoryRunStore(newMemoryRun({ instanceId: instance.id, retries }), 'latest');
  const offs = [
    bus.subscribe('run.log', (event) => follower.logs(event.entries)),
    bus.subscribe('run.progress', (event) => follower.progress(event.progress)),
    onInterrupts(follower.out, () => server.cancel(), { message: 'stopping now', action: () => server.cancel() }),
  ];
  let server = startServer(store);

  function startServer(of: MemoryRunStore) {
    const started = memoryRunServer({
      store: of,
      bus,
      dispatcher,
      owner: `athanor run (process ${process.pid})`,
      prepare: prepareFromRegistry(registry, instance, instance.configuration),
      liveLogsPerSecond: Infinity, // the terminal prints every line
    });
    void started.start();
    return started;
  }

  try {
    let final: Run = await server.done;
    // A failure its definition retries runs again, as the workbench's supervisor would.
    while (shouldRetry(final)) {
      store = createMemoryRunStore(newMemoryRun({ instanceId: instance.id, retryOf: final }), 'latest');
      follower.out.line(retryLine(final, store.run));
      server = startServer(store);
      final = await server.done;
    }
    follower.done();
    const results = Object.fromEntries(store.results.map((r) => [r.key, r.value]));
    return reportRunEnd(io, final, results, request.json);
  } finally {
    for (const off of offs) off();
    await Promise.allSettled([registry.stop(), dispatcher.stop()]);
  }
}
