/**
 * A run whose record lives in memory, not in a database: the test harness's runs
 * (`runExperiment`), and `athanor run --db memory`'s (a database nobody can read after the
 * command would only cost its start: ~0.3 s of pg-mem, Kysely and migrations).
 *
 * The run server is the workbench's own (its limits, timeouts and cancellation ladder); of
 * storage it needs only its run's transitions, progress and an ordered writer, which the
 * store here gives it over one run.
 */
import { randomUUID } from 'node:crypto';
import { InvalidTransitionError } from '../errors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { EncodedLogEntry, EncodedResultEntry, SeqRange } from '../experiments-service.ts';
import { canTransition } from '../experiments/run-lifecycle.ts';
import type { RunTransition } from '../experiments/runs.ts';
import type { ExperimentRegistry } from '../../plugins/experiment-registry.ts';
import { FINISHED_STATUSES, type Instance, type LogEntry, type Run, type RunEnvironment, type RunOptions, type RunProgress, type RunStatus } from '../records.ts';
import { LiveBudget } from './live-budget.ts';
import { defaultRunMemoryMb } from './memory-limit.ts';
import type { RunDispatcher } from './run-dispatcher.ts';
import { readRunEnvironment } from './run-environment.ts';
import { RunServer, type PreparedRun, type RunStorage } from './run-server.ts';
import { StoreSlots } from './store-slots.ts';

export interface MemoryRunStore extends RunStorage {
  /** The run as it is now. */
  readonly run: Run;
  /** Every log entry, in order (none when the store keeps only the latest results). */
  readonly logs: LogEntry[];
  /** Every result in order, value decoded; or the latest of each key. */
  readonly results: { key: string; value: unknown }[];
}

/**
 * What the store keeps of the run's output: `all` (a test looks at every log line and
 * every point of a series), or `latest` (a command prints logs as they come and reports
 * each result's latest value: its memory stays flat however long the run).
 */
export type MemoryRunKeep = 'all' | 'latest';

/** A store holding `initial` (pending) and, as it runs, what it records. */
export function createMemoryRunStore(initial: Run, keep: MemoryRunKeep = 'all'): MemoryRunStore {
  let run = initial;
  const logs: LogEntry[] = [];
  const results: { key: string; value: unknown }[] = [];
  const latest = new Map<string, { key: string; value: unknown }>();
  let logCount = 0;
  const check = (id: string) => {
    if (id !== run.id) throw new Error(`this store keeps run ${run.id}, not ${id}`);
  };
  const range = (before: number, after: number): SeqRange => (after === before ? { first: 0, last: 0 } : { first: before + 1, last: after });

  return {
    get run() {
      return run;
    },
    logs,
    get results() {
      return keep === 'all' ? results : [...latest.values()];
    },
    async getRun(id: string) {
      check(id);
      return run;
    },
    async transitionRun(id: string, to: RunStatus, change: RunTransition = {}) {
      check(id);
      if (!canTransition(run.status, to)) throw new InvalidTransitionError(id, run.status, to);
      const now = new Date().toISOString();
      run = {
        ...run,
        status: to,
        ...(change.error !== undefined ? { error: change.error } : {}),
        ...(change.codeHash !== undefined ? { codeHash: change.codeHash } : {}),
        ...(change.configuration !== undefined ? { configuration: change.configuration } : {}),
        ...(change.environment !== undefined ? { environment: change.environment } : {}),
        ...(to === 'running' ? { startedAt: now } : {}),
        ...(FINISHED_STATUSES.includes(to) ? { completedAt: now } : {}),
      };
      return run;
    },
    async saveProgress(id: string, progress: RunProgress) {
      check(id);
      run = { ...run, progress };
    },
    createRunWriter(id: string) {
      check(id);
      return {
        async appendLogs(entries: readonly EncodedLogEntry[]) {
          const before = logCount;
          for (const entry of entries) {
            logCount++;
            if (keep === 'latest') continue;
            logs.push({
              seq: logCount,
              level: entry.level,
              message: entry.message,
              metadata: entry.metadata === null ? null : JSON.parse(entry.metadata),
              timestamp: entry.timestamp.toISOString(),
            });
          }
          run = { ...run, logCount };
          return range(before, logCount);
        },
        async appendResults(entries: readonly EncodedResultEntry[]) {
          const before = run.resultCount;
          for (const entry of entries) {
            const result = { key: entry.key, value: JSON.parse(entry.value) as unknown };
            if (keep === 'all') results.push(result);
            else {
              latest.delete(entry.key); // in the order each key was last given, as the database's latest view
              latest.set(entry.key, result);
            }
          }
          run = { ...run, resultCount: before + entries.length };
          return range(before, run.resultCount);
        },
      };
    },
  };
}

/** An instance of a memory database (each is new there), `experiment` with `configuration`. */
export function newMemoryInstance(experiment: string, name: string, configuration: Record<string, unknown>): Instance {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    name,
    description: null,
    experiment,
    configuration,
    version: 1,
    runCounts: { pending: 0, running: 1, completed: 0, failed: 0, cancelled: 0, total: 1 },
    lastRunAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** What a memory run starts as: pending, attempt 1 unless it retries `retryOf`. */
export interface NewMemoryRun {
  instanceId: string;
  instanceVersion?: number;
  options?: RunOptions;
  /** Times a failure is retried (`Definition.retries(n)`). */
  retries?: number;
  /** The failed run this one retries. */
  retryOf?: Run;
}

/** A pending run record, as the workbench's `createRun` (or `createRetry`) would make it. */
export function newMemoryRun({ instanceId, instanceVersion = 1, options = {}, retries = 0, retryOf }: NewMemoryRun): Run {
  return {
    id: randomUUID(),
    instanceId,
    status: 'pending',
    error: null,
    progress: null,
    codeHash: null,
    configuration: retryOf?.configuration ?? null,
    configurationInferred: retryOf?.configurationInferred ?? false,
    environment: null,
    rerunOf: null,
    codeSnapshot: null,
    options: retryOf?.options ?? options,
    logCount: 0,
    resultCount: 0,
    createdAt: new Date().toISOString(),
    startedAt: null,
    completedAt: null,
    instanceVersion: retryOf?.instanceVersion ?? instanceVersion,
    agent: null,
    worker: null,
    attempt: retryOf ? retryOf.attempt + 1 : 1,
    retries: retryOf?.retries ?? retries,
    retryOf: retryOf?.id ?? null,
  };
}

export interface MemoryRunServerOptions {
  store: MemoryRunStore;
  prepare(): Promise<PreparedRun>;
  dispatcher: RunDispatcher;
  bus: EventBus;
  /** Who runs it (the run records it as its owner). */
  owner: string;
  /**
   * Log entries per second published live (default 10,000, a workbench's); past it an event
   * carries the newest and names the rest (the store has them all). `athanor run` prints
   * every line: it passes Infinity.
   */
  liveLogsPerSecond?: number;
}

/** The run server of the store's run, with a workbench's limits for one run at a time. */
export function memoryRunServer({ store, prepare, dispatcher, bus, owner, liveLogsPerSecond = 10_000 }: MemoryRunServerOptions): RunServer {
  return new RunServer({
    run: store.run,
    prepare,
    service: store,
    bus,
    dispatcher,
    owner,
    graceMs: 5000,
    killAfterMs: 2000,
    maxEntryBytes: 1024 * 1024,
    memoryMb: defaultRunMemoryMb(1),
    storeSlots: new StoreSlots(1),
    liveBudget: new LiveBudget(liveLogsPerSecond),
  });
}

/** Reads where a run of `files` (under `root`, content hash `codeHash`) runs. */
export type EnvironmentReader = (root: string, files: readonly string[], codeHash: string | undefined) => Promise<RunEnvironment>;

const readEnvironment: EnvironmentReader = async (root, files, codeHash) => (await readRunEnvironment(root, files, codeHash)).environment;

/**
 * A memory run's `prepare`: `instance`'s experiment as the registry finds it now (its file
 * and code hash), run with `configuration`.
 */
export function prepareFromRegistry(
  registry: Pick<ExperimentRegistry, 'resolveForRun' | 'get'>,
  instance: Instance,
  configuration: Record<string, unknown>,
  environmentOf: EnvironmentReader = readEnvironment,
): () => Promise<PreparedRun> {
  const name = instance.experiment;
  return async () => {
    const { file, codeHash, snapshot, root } = await registry.resolveForRun(name);
    return {
      instance,
      configuration,
      experiment: { name, file: registry.get(name)!.file, absoluteFile: file, codeHash },
      environment: () => environmentOf(root ?? process.cwd(), snapshot?.files.map((f) => f.path) ?? [], snapshot?.hash),
    };
  };
}
