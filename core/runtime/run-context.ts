/**
 * `RunContext`: what `run(ctx)` receives (the seed's RunContext): the run and instance
 * records, the configuration, the experiment, and an AbortSignal that aborts on cancel.
 */
import type { WireError, WireLog, WireProgress, WireResult } from '../ipc/ipc-protocol.ts';

/** Where a run's output goes: the run host's frame pipe, or the in-process harness. */
export interface RuntimeSink {
  log(entry: WireLog): void;
  result(entry: WireResult): void;
  progress(progress: WireProgress): void;
  /** `complete(ctx)` / `fail(ctx, error)`: the run's outcome is decided. */
  finish(outcome: 'completed' | 'failed', error?: WireError): void;
  /** A problem the author should see, that does not fail the run. */
  warn(message: string): void;
  readonly cancelled: boolean;
  /** True once the outcome is decided: later calls are ignored with a warning. */
  readonly ended: boolean;
  /** Largest log message + metadata, or result value, in bytes. */
  readonly maxEntryBytes: number;
}

/** The key under which a context carries its sink (shared across copies of the package). */
export const SINK: unique symbol = Symbol.for('athanor.runtime.sink') as any;

/** The run's record as the experiment sees it. */
export interface RunInfo {
  id: string;
  instanceId: string;
  status: string;
  startedAt: string | null;
  codeHash: string | null;
  /** 1, or 2 and up when this run retries a failed one (`Definition.retries(n)`). */
  attempt: number;
  /** The failed run this attempt retries, if any. */
  retryOf: string | null;
  [key: string]: unknown;
}

/** The instance's record as the experiment sees it. */
export interface InstanceInfo {
  id: string;
  name: string;
  description: string | null;
  experiment: string;
  [key: string]: unknown;
}

/** What `run(ctx)` receives. `C` is the configuration's type (see `ConfigOf`). */
export interface RunContext<C extends object = Record<string, any>> {
  readonly run: RunInfo;
  readonly instance: InstanceInfo;
  /** The configuration, string keys, defaults applied. Same as `Runtime.config(ctx)`. */
  readonly configuration: C;
  /** The experiment's name and file (relative to the experiments folder). */
  readonly experiment: { name: string; file: string };
  /** Aborts when the run is cancelled: pass it to fetch, timers, child processes. */
  readonly signal: AbortSignal;
  readonly [SINK]: RuntimeSink;
}

/** Builds a context around a sink (the run host and the test harness do this). */
export function createRunContext<C extends object>(fields: Omit<RunContext<C>, typeof SINK>, sink: RuntimeSink): RunContext<C> {
  return Object.freeze({ ...fields, [SINK]: sink });
}
