/**
 * Runs an experiment module's `run(ctx)` and decides the outcome: returned → completed
 * (unless `complete`/`fail` decided first), threw → failed with message and stack (also
 * after `complete`),
 * cancelled by request (whatever happened next) → cancelled.
 */
import { fileURLToPath } from 'node:url';
import type { WireError } from '../ipc/ipc-protocol.ts';
import type { RunContext } from '../runtime/run-context.ts';

/** The two functions an experiment module exports, named or on a default export. */
export interface ExperimentModule {
  experiment: () => unknown;
  run: (ctx: RunContext) => unknown;
}

/** Finds `experiment` and `run` in a loaded module, or throws naming what is missing. */
export function experimentModuleOf(loaded: Record<string, unknown>, file: string): ExperimentModule {
  const candidates = [loaded, loaded.default as Record<string, unknown> | undefined];
  for (const candidate of candidates) {
    if (candidate && typeof candidate.experiment === 'function' && typeof candidate.run === 'function') {
      return candidate as unknown as ExperimentModule;
    }
  }
  const missing = ['experiment', 'run'].filter((name) => !candidates.some((c) => c && typeof c[name] === 'function'));
  throw Object.assign(new Error(`${file} does not export ${missing.map((m) => `${m}()`).join(' and ')}`), {
    code: 'ERR_MISSING_EXPORT',
  });
}

export type Outcome = { outcome: 'completed' | 'failed' | 'cancelled'; error?: WireError };

/** Longest error message or stack kept (characters): an error is read, not stored whole. */
const MAX_ERROR_CHARS = 64 * 1024;
const clip = (text: string) => (text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)} … [${text.length - MAX_ERROR_CHARS} more characters]` : text);

/** athanor's own code (core/), as a stack names it: a path, or a file: URL. */
const OWN_CODE = [fileURLToPath(new URL('../', import.meta.url)), new URL('../', import.meta.url).href];
const isOwnFrame = (line: string) => /^\s+at /.test(line) && OWN_CODE.some((dir) => line.includes(dir));

/**
 * `stack` without what called the experiment: cut at the first frame of athanor's own code
 * below the experiment's (its runner, the run host, a test's runExperiment), which say nothing
 * of the failure. Frames above the experiment's stay (a Runtime call that threw says where).
 */
export function experimentStack(stack: string): string {
  const lines = stack.split('\n');
  const first = lines.findIndex((line, i) => i > 0 && /^\s+at /.test(line) && !isOwnFrame(line));
  if (first === -1) return stack;
  const cut = lines.findIndex((line, i) => i > first && isOwnFrame(line));
  return cut === -1 ? stack : lines.slice(0, cut).join('\n');
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const stack = error.stack ? { stack: clip(experimentStack(error.stack)) } : {};
    return { message: clip(error.message || error.name), ...stack, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: clip(typeof error === 'string' ? error : `a non-Error value was thrown: ${safeJson(error)}`) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The error of a run that threw after it had called `Runtime.complete(ctx)`. */
export function afterCompletion(error: WireError): WireError {
  return { ...error, message: `run() threw after Runtime.complete(ctx): ${error.message}` };
}

/** Calls `run(ctx)`; `state` reports cancellation and a decided outcome. */
export async function executeRun(
  module: ExperimentModule,
  ctx: RunContext,
  state: { readonly cancelled: boolean; readonly outcome: Outcome | undefined },
): Promise<Outcome> {
  try {
    await module.run(ctx);
  } catch (error) {
    // `Runtime.complete(ctx)` and then a throw: the run fails with it (the original's rule),
    // never a `completed` run that hides an exception.
    if (state.outcome?.outcome === 'completed' && !state.cancelled) return { outcome: 'failed', error: afterCompletion(toWireError(error)) };
    if (state.outcome) return state.outcome;
    if (state.cancelled || (error as Error)?.name === 'Cancelled') return { outcome: 'cancelled' };
    return { outcome: 'failed', error: toWireError(error) };
  }
  if (state.outcome) return state.outcome;
  return state.cancelled ? { outcome: 'cancelled' } : { outcome: 'completed' };
}
