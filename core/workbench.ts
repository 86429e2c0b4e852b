/**
 * The composition root: storage, the experiments registry, the event bus, the service
 * and the run supervisor, wired together. The CLI and the test harness build the
 * workbench here; nothing else wires parts.
 *
 * @example
 * await using workbench = await createWorkbench({ experimentsDir: 'experiments', database: 'memory' });
 * const instance = await workbench.experiments.createInstance({ experiment: 'my_experiment', name: 'a' });
 * const run = await workbench.experiments.createRun(instance.id);
 * await workbench.experiments.startRun(run.id);
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { createExperimentRegistry, type ExperimentRegistry } from '../plugins/experiment-registry.ts';
import { materializeSnapshot, snapshotCacheDir } from '../plugins/graph/snapshot-cache.ts';
import { openDatabase, parseDatabaseSpec, resolveDatabaseSpec, type Database } from '../storage/open-database.ts';
import { alwaysAvailable, createDatabaseMonitor, type DatabaseMonitor } from './database-monitor.ts';
import { InputError } from './errors.ts';
import { createEventBus, type EventBus } from './events/event-bus.ts';
import { createExperimentsService, type ExperimentsService } from './experiments-service.ts';
import type { Instance, NewSweep, Run, RunOrigin, SweepResult } from './records.ts';
import { createLocalDispatcher, type LocalDispatcherOptions } from './supervisor/local-dispatcher.ts';
import type { RunDispatcher } from './supervisor/run-dispatcher.ts';
import { createRunSupervisor, type CancelOutcome, type RunSupervisor, type RunSupervisorOptions } from './supervisor/run-supervisor.ts';
import type { RunPoolNode } from './worker/run-pool-node.ts';
import type { RunQueue } from './worker/run-queue.ts';
import { waitForRunEnd } from './worker/run-end.ts';
import { onOutage } from './worker/outage-notice.ts';

/**
 * Where the workbench's runs execute: `local` (child processes here), `queue` (jobs for
 * `athanor worker` processes sharing its Postgres), `both` (jobs, and this workbench is
 * one of the workers).
 */
export type RunsMode = 'local' | 'queue' | 'both';
export const RUNS_MODES: readonly RunsMode[] = ['local', 'queue', 'both'];

export interface WorkbenchOptions {
  /** The experiments folder (default `./experiments`). */
  experimentsDir?: string;
  /** A database spec (`memory`, `pglite:DIR`, `postgres://…`); default from `ATHANOR_DATABASE_URL` or `pglite:.athanor/db`. */
  database?: string;
  /** Watch the experiments folder and hot-reload (default true). */
  watch?: boolean;
  supervisor?: Partial<
    Pick<RunSupervisorOptions, 'keepCode' | 'concurrency' | 'graceMs' | 'killAfterMs' | 'maxEntryBytes' | 'heartbeatMs' | 'staleAfterMs' | 'memoryMb' | 'databaseOutageMs' | 'liveLogsPerSecond'>
  >;
  /** Tunes the default run dispatcher (child processes on this machine). */
  dispatcher?: LocalDispatcherOptions;
  /** Where runs execute instead of the local child processes (the test harness runs them in its own process). */
  runDispatcher?: RunDispatcher;
  /** Where experiments come from instead of a folder registry over `experimentsDir` (the test harness gives one module). */
  registry?: ExperimentRegistry;
  /** Reuse the definitions of unchanged modules kept from earlier loads (every command; see definitions-cache.ts). */
  cacheDefinitions?: boolean;
  /** The database, already opening (`athanor run` opens it while its experiment loads); default: `openDatabase(database)`. */
  storage?: Promise<Database>;
  /** Where runs execute (default `local`); `queue` and `both` need a Postgres database. */
  runs?: RunsMode;
  /** With `runs: 'both'`: the worker name this workbench's runs record (default `HOST-PID`). */
  workerName?: string;
  /** The run pool's lease beat (ms, default 5,000): a worker missing three is gone. */
  poolHeartbeatMs?: number;
}

/** The experiments service with the run kernel's verbs, publishing instance events. */
export type WorkbenchExperiments = ExperimentsService & {
  startRun(runId: string): Promise<Run>;
  cancelRun(runId: string): Promise<CancelOutcome>;
  isActive(runId: string): boolean;
  /** Resolves with the run's final record once it has ended. */
  waitForRun(runId: string): Promise<Run>;
  /**
   * Creates a sweep's instances and starts their runs, in grid order (the supervisor queues
   * those over its limit); nothing is created when any combination is refused.
   */
  sweep(input: NewSweep, origin?: RunOrigin): Promise<SweepResult>;
};

export interface Workbench {
  readonly experimentsDir: string;
  readonly database: Database;
  /** Whether the database can be reached now; changes are published as `database.status`. */
  readonly databaseMonitor: DatabaseMonitor;
  readonly registry: ExperimentRegistry;
  readonly bus: EventBus;
  readonly experiments: WorkbenchExperiments;
  readonly supervisor: RunSupervisor;
  /** Runs a dead workbench left active, ended `failed` at start-up. */
  readonly recovered: string[];
  /** Where its runs execute. */
  readonly runs: RunsMode;
  /** Its node of the run pool (`runs` queue or both). */
  readonly pool: RunPoolNode | undefined;
  /** Cancels active runs (through the ladder), stops watching, closes storage. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** How runs start and are waited for: the supervisor's, or the queue's. */
interface RunStarter {
  startRun(runId: string): Promise<Run>;
  waitForRun(runId: string): Promise<Run>;
}

function withEvents(service: ExperimentsService, supervisor: RunSupervisor, bus: EventBus, starter: RunStarter): WorkbenchExperiments {
  const created = (instance: Instance) => (bus.publish('instance.created', { instance }), instance);
  return {
    ...service,
    createInstance: async (input) => created(await service.createInstance(input)),
    cloneInstance: async (id, options) => created(await service.cloneInstance(id, options)),
    updateInstance: async (id, changes) => {
      const instance = await service.updateInstance(id, changes);
      bus.publish('instance.updated', { instance });
      return instance;
    },
    deleteInstance: async (id) => {
      // Active runs of the instance are cancelled first, so no process writes to rows being
      // deleted; while they are, the supervisor refuses to start another run of it (a start
      // that came after the active runs were listed ran on with its row deleted under it).
      const instance = await service.getInstance(id);
      const release = supervisor.holdInstance(instance.id);
      try {
        // Pending ones too, wherever they wait: a queued run's job is dropped, so no worker takes it.
        const active = (await service.listActiveRuns()).filter((run) => run.instanceId === instance.id && (run.status === 'pending' || supervisor.isActive(run.id) || run.worker !== null));
        for (const run of active) await supervisor.cancelRun(run.id, 'cancelled: its instance was deleted');
        await Promise.all(active.map((run) => starter.waitForRun(run.id)));
        await service.deleteInstance(id);
      } finally {
        release();
      }
      bus.publish('instance.deleted', { instanceId: instance.id });
    },
    startRun: (runId) => starter.startRun(runId),
    cancelRun: (runId) => supervisor.cancelRun(runId),
    isActive: (runId) => supervisor.isActive(runId),
    waitForRun: (runId) => starter.waitForRun(runId),
    sweep: async (input, origin) => {
      const { instances, runs } = await service.createSweep(input, origin);
      for (const instance of instances) created(instance);
      const started: Run[] = [];
      for (const run of runs) started.push(await starter.startRun(run.id));
      return { instances, runs: started };
    },
  };
}

/** The experiment's module and its code now, for a run to start from. */
async function resolveExperiment(registry: ExperimentRegistry, name: string) {
  const { file, ...code } = await registry.resolveForRun(name);
  return { absoluteFile: file, file: registry.get(name)?.file ?? file, ...code };
}

/** Opens storage, loads the experiments and starts the supervisor (recovering crashed runs). */
export async function createWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const experimentsDir = resolve(options.experimentsDir ?? 'experiments');
  const spec = resolveDatabaseSpec(options.database);
  const runs = options.runs ?? 'local';
  if (!RUNS_MODES.includes(runs)) throw new InputError(`runs must be one of ${RUNS_MODES.join(', ')}, got ${JSON.stringify(runs)}`);
  if (runs !== 'local' && parseDatabaseSpec(spec).kind !== 'postgres') {
    throw new InputError(`--runs ${runs} needs a postgres:// database (workers share it), got ${parseDatabaseSpec(spec).kind}; use --runs local or --db postgres://…`);
  }
  const bus = createEventBus();
  const registry = options.registry ?? createExperimentRegistry({ experimentsDir, watch: options.watch ?? true, cache: options.cacheDefinitions ?? false });
  const unsubscribe = registry.subscribe((event) => {
    if (event.type === 'experiment.changed') bus.publish('experiment.changed', { experiment: event.experiment });
    else bus.publish('experiment.removed', { name: event.name, file: event.file });
  });
  // Storage opens (migrations), the experiments load (a loader child) and a run host starts, side by side.
  // `--runs queue`: workers run everything, so no run host waits here for a run that never comes.
  const dispatcher = options.runDispatcher ?? createLocalDispatcher(runs === 'queue' ? { ...options.dispatcher, warm: 0 } : options.dispatcher);
  dispatcher.warmUp?.();
  const [opened, loaded] = await Promise.allSettled([options.storage ?? openDatabase(spec), registry.start()]);
  if (opened.status === 'rejected' || loaded.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    if (loaded.status === 'fulfilled') await registry.stop();
    unsubscribe();
    await dispatcher.stop();
    // The database's error first: it is the one `athanor dev` explains (a held folder, a refused connection).
    throw opened.status === 'rejected' ? opened.reason : (loaded as PromiseRejectedResult).reason;
  }
  const database = opened.value;
  const service = createExperimentsService({ database, definitions: (name) => registry.definition(name) });
  const workerName = options.workerName ?? `${hostname()}-${process.pid}`;
  let pool: RunPoolNode | undefined;
  const supervisor = createRunSupervisor({
    service,
    bus,
    dispatcher,
    resolveExperiment: (name) => resolveExperiment(registry, name),
    materializeSnapshot: (snapshot) => materializeSnapshot(snapshot, snapshotCacheDir(experimentsDir)),
    // PGlite and pg-mem have one connection: stores queued for it only make reads wait longer.
    ...(database.kind === 'postgres' ? {} : { storeSlots: 1 }),
    // On the queue, runs this supervisor executes are jobs: the code they were queued with, and its name.
    ...(runs === 'local'
      ? {}
      : {
          worker: workerName,
          codeFromRun: true,
          cancelElsewhere: (run, reason) => pool!.cancelElsewhere(run, reason),
          retryRun: (failed) => pool!.retry(failed),
          dropQueuedJob: (runId) => pool!.dropQueuedJob(runId),
        }),
    ...options.supervisor,
  });
  const { recovered } = await supervisor.start();
  let queue: RunQueue | undefined;
  if (runs !== 'local') {
    // Loaded only here: graphile-worker and what it brings (pg, cosmiconfig) are ~0.3 s of a start.
    const [{ RunPoolNode }, { createRunQueue }] = await Promise.all([import('./worker/run-pool-node.ts'), import('./worker/run-queue.ts')]);
    pool = new RunPoolNode({
      connectionString: spec,
      db: database.db,
      service,
      bus,
      supervisor,
      name: workerName,
      takeJobs: runs === 'both',
      serve: true,
      concurrency: options.supervisor?.concurrency ?? supervisor.concurrency,
      ...(options.poolHeartbeatMs === undefined ? {} : { heartbeatMs: options.poolHeartbeatMs }),
    });
    try {
      await pool.start();
    } catch (error) {
      await pool.stop().catch(() => {});
      await supervisor.stop();
      unsubscribe();
      await registry.stop();
      await database.close();
      throw error;
    }
    queue = createRunQueue({
      db: database.db,
      service,
      bus,
      resolveExperiment: (name) => resolveExperiment(registry, name),
      refuse: (run) => supervisor.refuseIfHeld(run),
      // A worker itself, this workbench runs here what no other worker can be sent.
      ...(runs === 'both' ? { runHere: (runId: string) => supervisor.startRun(runId, { currentCode: true }) } : {}),
    });
  }
  const starter: RunStarter = queue
    ? {
        startRun: (runId) => queue.startRun(runId),
        waitForRun: (runId) => (supervisor.isActive(runId) ? supervisor.waitFor(runId) : waitForRunEnd(service, bus, runId)),
      }
    : { startRun: (runId) => supervisor.startRun(runId), waitForRun: (runId) => supervisor.waitFor(runId) };
  const databaseMonitor = database.kind === 'postgres' ? createDatabaseMonitor(database.db) : alwaysAvailable();
  databaseMonitor.subscribe((status) => bus.publish('database.status', status));
  // The run pool sees a restart first (its connections fail): the monitor looks at once.
  const offOutage = runs === 'local' ? undefined : onOutage(() => void databaseMonitor.check());
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      offOutage?.();
      databaseMonitor.stop();
      await pool?.stop();
      await supervisor.stop();
      unsubscribe();
      await registry.stop();
      await database.close();
    })());
  return {
    experimentsDir,
    database,
    databaseMonitor,
    registry,
    bus,
    experiments: withEvents(service, supervisor, bus, starter),
    supervisor,
    recovered,
    runs,
    pool,
    close,
    [Symbol.asyncDispose]: close,
  };
}
