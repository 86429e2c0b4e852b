/** The options of `runExperiment`, and their checks: a mistake is a TypeError naming the option. */

/** Options of `runExperiment`. */
export interface RunExperimentOptions {
  /**
   * Run in this process instead of a child process. Default: false for a path, true for a
   * module object (it is already loaded here; give its path to run it in a child).
   * In-process runs start faster and stop at breakpoints, but nothing isolates them:
   * `process.exit()` or a crash ends the test process, and a run that ignores a cancel is
   * abandoned rather than killed.
   */
  inProcess?: boolean;
  /**
   * Cancel the run, as the workbench's Cancel button does:
   * - a number: that many milliseconds after the run starts running;
   * - `{ progress: N }`: as soon as the run reports progress with `current >= N`
   *   (`Runtime.progress(ctx, current, total)`). Progress is a threshold, not a count of
   *   calls, because calls made between two yields reach the harness as one report.
   *
   * The run sees the cancel at its next `Runtime.cancelled(ctx)` check or through
   * `ctx.signal`, once it yields (`await`s); a loop that never yields finishes first.
   * It then ends `cancelled`, with `error` naming the cancelAfter that fired.
   */
  cancelAfter?: number | { progress: number };
  /**
   * Milliseconds the run may take, as `POST /api/instances/:id/runs {timeoutMs}`: past it,
   * the run is cancelled and ends `failed` with "timeout: the run exceeded its limit of N ms".
   */
  timeout?: number;
}

/** The options after checking, with the mode decided. */
export interface CheckedRunOptions {
  inProcess: boolean;
  cancelAfter: number | { progress: number } | undefined;
  timeout: number | undefined;
}

const KNOWN = ['inProcess', 'cancelAfter', 'timeout'];

function fail(message: string): never {
  throw new TypeError(`runExperiment: ${message}`);
}

const show = (value: unknown) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

function checkCancelAfter(value: unknown): CheckedRunOptions['cancelAfter'] {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) fail(`options.cancelAfter must be 0 or more milliseconds, got ${value}`);
    return value;
  }
  const progress = (value as { progress?: unknown } | null)?.progress;
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1 || typeof progress !== 'number' || !Number.isFinite(progress)) {
    fail(`options.cancelAfter must be milliseconds or { progress: N } (cancel once progress reaches N), got ${show(value)}`);
  }
  return { progress };
}

/** Checks `options` and decides where the run executes; `fromFile` says whether the experiment was given as a path. */
export function checkRunOptions(options: unknown, fromFile: boolean): CheckedRunOptions {
  if (options === null || typeof options !== 'object') fail(`options must be an object, got ${show(options)}`);
  const unknown = Object.keys(options).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) fail(`unknown option ${unknown.map((key) => `"${key}"`).join(', ')}; known: ${KNOWN.join(', ')}`);
  const { inProcess, cancelAfter, timeout } = options as RunExperimentOptions;
  if (inProcess !== undefined && typeof inProcess !== 'boolean') fail(`options.inProcess must be true or false, got ${show(inProcess)}`);
  if (inProcess === false && !fromFile) {
    fail('a module object runs in this process; to run it in a child process, give its path instead (e.g. new URL("../experiments/my_experiment.ts", import.meta.url))');
  }
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
    fail(`options.timeout must be a positive whole number of milliseconds, got ${show(timeout)}`);
  }
  return { inProcess: inProcess ?? !fromFile, cancelAfter: checkCancelAfter(cancelAfter), timeout };
}
