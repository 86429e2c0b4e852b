/**
 * The experiments service (the seed's `Athanor.Experiments`): instances and runs, their
 * logs and results, over any storage backend.
 *
 * @example
 * const service = createExperimentsService({ database, definitions: (name) => registry.get(name) });
 * const instance = await service.createInstance({ experiment: 'my_experiment', name: 'Baseline', configuration: {} });
 * const run = await service.createRun(instance.id);
 */
import * as compare from './experiments/compare.ts';
import * as instances from './experiments/instances.ts';
import * as instanceList from './experiments/instance-list.ts';
import * as runCode from './experiments/run-code.ts';
import * as instanceVersions from './experiments/instance-versions.ts';
import * as runData from './experiments/run-data.ts';
import * as runIds from './experiments/run-ids.ts';
import * as runs from './experiments/runs.ts';
import * as runRetries from './experiments/run-retries.ts';
import * as runWriter from './experiments/run-writer.ts';
import * as runMetrics from './experiments/run-metrics.ts';
import * as resultSeries from './experiments/result-series.ts';
import * as experimentRuns from './experiments/experiment-runs.ts';
import * as sweeps from './experiments/sweeps.ts';
import * as agentActions from './experiments/agent-actions.ts';
import type { DatabaseHandle, DefinitionLookup, ServiceContext } from './experiments/service-context.ts';

export type { DatabaseHandle, DefinitionLookup } from './experiments/service-context.ts';
export type { NewInstance, InstanceChanges, CloneOptions } from './experiments/instances.ts';
export type { ListInstancesOptions, PageInstancesOptions } from './experiments/instance-list.ts';
export type { ListVersionsOptions } from './experiments/instance-versions.ts';
export type { ListRunsOptions, RerunCode, RunTransition } from './experiments/runs.ts';
export type { RetryOptions } from './experiments/run-retries.ts';
export { shouldRetry } from './records.ts';
export type {
  NewLogEntry,
  NewResultEntry,
  EncodedLogEntry,
  EncodedResultEntry,
  ReadLogsOptions,
  ReadResultsOptions,
} from './experiments/run-data.ts';
export type { ActiveRun } from './experiments/runs.ts';
export type { CompareOptions } from './experiments/compare.ts';
export { MIN_RUN_ID_PREFIX, parseRunId, type RunIdInput } from './experiments/run-ids.ts';
export type { RunWriter, SeqRange } from './experiments/run-writer.ts';
export type { ReadSeriesOptions, SeriesAxis } from './experiments/result-series.ts';
export { SERIES_POINTS } from './experiments/result-series.ts';
export type { ListExperimentRunsOptions } from './experiments/experiment-runs.ts';
export { RUNS_PAGE } from './experiments/experiment-runs.ts';
export type { NewAgentAction, ListAgentActionsOptions } from './experiments/agent-actions.ts';

export interface ExperimentsServiceOptions {
  database: DatabaseHandle;
  /** Current definitions by experiment name (the registry). */
  definitions: DefinitionLookup;
  /** The clock; tests may fix it. */
  now?: () => Date;
}

type Bound<F> = F extends (context: ServiceContext, ...args: infer A) => infer R ? (...args: A) => R : never;
type BindAll<M> = { [K in keyof M]: Bound<M[K]> };

function bindAll<M extends Record<string, (context: ServiceContext, ...args: any[]) => unknown>>(
  context: ServiceContext,
  module: M,
): BindAll<M> {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(module)) {
    if (typeof fn === 'function') bound[name] = (...args: unknown[]) => fn(context, ...args);
  }
  return bound as BindAll<M>;
}

const instanceApi = {
  createInstance: instances.createInstance,
  getInstance: instances.getInstance,
  /** The instance with its latest run, as lists show it. */
  describeInstance: instanceList.describeInstance,
  listInstances: instanceList.listInstances,
  pageInstances: instanceList.pageInstances,
  updateInstance: instances.updateInstance,
  deleteInstance: instances.deleteInstance,
  cloneInstance: instances.cloneInstance,
  runConfiguration: instances.runConfiguration,
  /** A sweep's instances, each with a pending run (the workbench's `sweep` starts them). */
  createSweep: sweeps.createSweep,
  listInstanceVersions: instanceVersions.listInstanceVersions,
  getInstanceVersion: instanceVersions.getInstanceVersion,
};

const runApi = {
  createRun: runs.createRun,
  createRerun: runs.createRerun,
  /** The next attempt of a failed run its definition retries (`Definition.retries(n)`), or undefined. */
  createRetry: runRetries.createRetry,
  getRetry: runRetries.getRetry,
  /** The full id of a run given by its id or a unique prefix of 8+ hex characters (what the UI shows). */
  resolveRunId: runIds.resolveRunId,
  getRun: runs.getRun,
  getRunDetail: runCode.getRunDetail,
  getRunSource: runCode.getRunSource,
  getCodeSnapshot: runCode.getCodeSnapshot,
  storeCodeSnapshot: runCode.storeCodeSnapshot,
  storeCodeDiff: runCode.storeCodeDiff,
  listRuns: runs.listRuns,
  transitionRun: runs.transitionRun,
  saveProgress: runs.saveProgress,
  appendLogs: runData.appendLogs,
  appendResults: runData.appendResults,
  createRunWriter: runWriter.createRunWriter,
  claimRuns: runs.claimRuns,
  heartbeat: runs.heartbeat,
  listActiveRuns: runs.listActiveRuns,
  readLogs: runData.readLogs,
  readResults: runData.readResults,
  readSeries: resultSeries.readSeries,
  latestMetrics: runMetrics.latestMetrics,
  listExperimentRuns: experimentRuns.listExperimentRuns,
  /** 2 to 20 runs side by side: configuration, metrics against a baseline, series, code diffs (`GET /api/compare`). */
  compareRuns: compare.compareRuns,
  /** What AI agents did over MCP: each state-changing tool call (issue 17). */
  recordAgentAction: agentActions.recordAgentAction,
  listAgentActions: agentActions.listAgentActions,
};

export type ExperimentsService = BindAll<typeof instanceApi> & BindAll<typeof runApi>;

/** Creates the service over an open database. */
export function createExperimentsService(options: ExperimentsServiceOptions): ExperimentsService {
  const context: ServiceContext = Object.freeze({
    database: options.database,
    definitions: options.definitions,
    now: options.now ?? (() => new Date()),
  });
  return Object.freeze({ ...bindAll(context, instanceApi), ...bindAll(context, runApi) });
}
