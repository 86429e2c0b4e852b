/**
 * The Runtime API experiments call (the seed's `Athanor.Runtime`): logs, results,
 * progress, completion and cancellation. Every call checks its arguments at once, so a
 * mistake throws where it is made, with the author's stack.
 *
 * @example
 * Runtime.log(ctx, 'info', `Running iteration ${i}`, { i });
 * Runtime.result(ctx, `iteration_${i}`, { value });
 * if (Runtime.cancelled(ctx)) throw new Runtime.Cancelled();
 */
import { MAX_RESULT_KEY_CHARS } from '../ipc/ipc-protocol.ts';
import type { LogLevel } from '../records.ts';
import { toJsonText } from './json-value.ts';
import { SINK, type RunContext, type RuntimeSink } from './run-context.ts';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Throw it to stop a run that saw `Runtime.cancelled(ctx)`; the run ends `cancelled`. */
export class Cancelled extends Error {
  override readonly name = 'Cancelled';
  readonly code = 'ERR_CANCELLED';

  constructor(message = 'the run was cancelled') {
    super(message);
  }
}

/** Thrown by a call whose entry is over the size limit. */
export class EntryTooLargeError extends RangeError {
  override readonly name = 'EntryTooLargeError';
  readonly code = 'ERR_ENTRY_TOO_LARGE';
}

function sinkOf(ctx: RunContext<object>): RuntimeSink {
  const sink = ctx?.[SINK];
  if (!sink) throw new TypeError('expected the run context passed to run(ctx)');
  return sink;
}

/** The sink, or undefined (with one warning) when the run has already ended. */
function openSink(ctx: RunContext<object>, call: string): RuntimeSink | undefined {
  const sink = sinkOf(ctx);
  if (!sink.ended) return sink;
  sink.warn(`Runtime.${call} was called after the run ended; the call was ignored`);
  return undefined;
}

function checkSize(sink: RuntimeSink, bytes: number, what: string): void {
  if (bytes > sink.maxEntryBytes) {
    throw new EntryTooLargeError(`${what} is ${bytes} bytes, over the limit of ${sink.maxEntryBytes} bytes`);
  }
}

function encodeLog(sink: RuntimeSink, level: unknown, message: unknown, metadata: unknown, where: string) {
  if (!LEVELS.includes(level as LogLevel)) {
    throw new TypeError(`${where}: level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
  }
  if (typeof message !== 'string') throw new TypeError(`${where}: message must be a string, got ${typeof message}`);
  const meta = metadata === undefined || metadata === null ? null : toJsonText(metadata, `${where} metadata`);
  checkSize(sink, message.length + (meta?.length ?? 0), `${where} (message and metadata)`);
  return [level as LogLevel, message, meta, Date.now()] as const;
}

/** The configuration, string keys, defaults applied. */
function config<C extends object>(ctx: RunContext<C>): C {
  sinkOf(ctx);
  return ctx.configuration;
}

/** Records a log entry: level `debug | info | warn | error`, a message and optional metadata. */
function log(ctx: RunContext<object>, level: LogLevel, message: string, metadata?: unknown): void {
  const sink = openSink(ctx, 'log');
  if (sink) sink.log([...encodeLog(sink, level, message, metadata, 'log')]);
}

/** Records several entries: `[[level, message, metadata?], ...]`. */
function logBatch(ctx: RunContext<object>, entries: ReadonlyArray<readonly [LogLevel, string, unknown?]>): void {
  const sink = openSink(ctx, 'logBatch');
  if (!sink) return;
  if (!Array.isArray(entries)) throw new TypeError('logBatch: entries must be a list of [level, message, metadata?]');
  const encoded = entries.map((entry, i) => {
    if (!Array.isArray(entry)) throw new TypeError(`logBatch[${i}]: expected [level, message, metadata?]`);
    return encodeLog(sink, entry[0], entry[1], entry[2], `logBatch[${i}]`);
  });
  for (const entry of encoded) sink.log([...entry]);
}

/** Records a result under `key`; a value must be plain JSON. A repeated key adds to its series. */
function result(ctx: RunContext<object>, key: string, value: unknown): void {
  const sink = openSink(ctx, 'result');
  if (!sink) return;
  if (typeof key !== 'string' || key === '') throw new TypeError(`result: key must be a non-empty string, got ${JSON.stringify(key)}`);
  if (key.length > MAX_RESULT_KEY_CHARS) {
    throw new TypeError(`result: key is ${key.length} characters, over the limit of ${MAX_RESULT_KEY_CHARS} ("${key.slice(0, 40)}…")`);
  }
  const text = toJsonText(value, `result "${key}"`);
  checkSize(sink, text.length, `result "${key}"`);
  sink.result([key, text, Date.now()]);
}

/** Reports progress (sent live; the latest is kept on the run). */
function progress(ctx: RunContext<object>, current: number, total: number, message?: string): void {
  const sink = openSink(ctx, 'progress');
  if (!sink) return;
  if (!Number.isFinite(current) || !Number.isFinite(total)) {
    throw new TypeError(`progress: current and total must be finite numbers, got ${current} and ${total}`);
  }
  if (message !== undefined && typeof message !== 'string') throw new TypeError('progress: message must be a string');
  sink.progress(message === undefined ? { current, total } : { current, total, message });
}

/** Ends the run `completed`, after everything recorded so far is stored. */
function complete(ctx: RunContext<object>): void {
  openSink(ctx, 'complete')?.finish('completed');
}

/** Ends the run `failed` with this error. */
function fail(ctx: RunContext<object>, error: string | Error): void {
  const sink = openSink(ctx, 'fail');
  if (!sink) return;
  const message = error instanceof Error ? error.message : String(error);
  sink.finish('failed', error instanceof Error ? { message, stack: error.stack } : { message });
}

/** Whether the run has been cancelled: check it in long loops (or use `ctx.signal`). */
function cancelled(ctx: RunContext<object>): boolean {
  return sinkOf(ctx).cancelled;
}

/** The Runtime API. */
export const Runtime = Object.freeze({ config, log, logBatch, result, progress, complete, fail, cancelled, Cancelled });
