/**
 * `athanor run --db memory`: a database that ends with the command keeps nothing anyone can
 * read, so the run's record stays in memory (core/supervisor/memory-run.ts) and no database
 * opens (pg-mem, Kysely and the migrations were ~0.3 s of a one-line run's ~0.75 s). What
 * the command prints and returns is the same as with a database: the run goes through the
 * workbench's own run server, on the warm host the command started, its logs and progress
 * printed as they come, Ctrl-C cancels it, a failure is retried as its definition asks,
 * and the end is reported with each result's latest value.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createExperimentRegistry, type ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { createEventBus } from '../events/event-bus.ts';
import { shouldRetry, type Instance, type Run } from '../records.ts';
import type { LocalDispatcher } from '../supervisor/local-dispatcher.ts';
import { createMemoryRunStore, memoryRunServer, newMemoryRun, prepareFromRegistry, type MemoryRunStore } from '../supervisor/memory-run.ts';
import { retryLine } from './run-attempts.ts';
import { checkRequest, cliInstanceName, newInstanceConfiguration, type CheckedRequest, type RunRequest } from './run-input.ts';
import { runHostPreloader } from './run-preload.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from './run-report.ts';

/** What a memory run's instance is made of: its experiment and its validated configuration. */
type NewInstance = Pick<CheckedRequest, 'entry'> & { configuration: Record<string, unknown> };

/** Checks the request against the experiments (cached definitions, or the run's host loading its own); bad input stops the host. */
async function checked(dispatcher: LocalDispatcher, experimentsDir: string, request: RunRequest): Promise<{ registry: ExperimentRegistry; checked: NewInstance }> {
  const preloader = runHostPreloader(dispatcher, request.experiment);
  const registry = createExperimentRegistry({ experimentsDir, watch: false, cache: true, loadFirst: preloader.loadFirst });
  try {
    await registry.start();
    const checkedRequest = checkRequest(registry.list(), request);
    // No instance exists in a memory database: `--instance NAME` names a new one.
    const result: NewInstance = { entry: checkedRequest.entry, configuration: checkedRequest.configuration ?? newInstanceConfiguration(checkedRequest.entry, request) };
    // The warm host runs the experiment only if the module it loaded is this one.
    if (preloader.file() !== path.join(path.resolve(experimentsDir), result.entry.file)) dispatcher.dropPreloaded();
    return { registry, checked: result };
  } catch (error) {
    await Promise.allSettled([registry.stop(), dispatcher.stop()]);
    throw error;
  }
}

/** The instance the run belongs to: new, as every instance of a memory database is. */
function newInstance(request: RunRequest, { entry, configuration }: NewInstance): Instance {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    name: request.instance?.trim() ?? cliInstanceName(),
    description: null,
    experiment: entry.name,
    configuration,
    version: 1,
    runCounts: { pending: 0, running: 1, completed: 0, failed: 0, cancelled: 0, total: 1 },
    lastRunAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** Runs `request` with its record in memory, on `dispatcher`'s warm host; returns the exit code. */
export async function runInMemory(dispatcher: LocalDispatcher, experimentsDir: string, request: RunRequest, io: RunCommandIO): Promise<number> {
  const { registry, checked: check } = await checked(dispatcher, experimentsDir, request);
  const instance = newInstance(request, check);
  const definition = registry.definition(instance.experiment);
  const retries = definition && !(definition instanceof Error) ? (definition.retries ?? 0) : 0;
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
