/**
 * The protocol between a run server (parent) and its run host (the child process that
 * executes `run(ctx)`).
 *
 * Two channels:
 * - parent → child: Node's IPC channel (`process.send`), for the few control messages;
 * - child → parent: a dedicated pipe carrying newline-delimited JSON frames. The child
 *   writes it synchronously, so when the parent stops reading (its buffer is full) the
 *   child blocks in its next write: back-pressure that holds even for an experiment that
 *   logs in a tight loop and never yields. Frames arrive in order, and the `end` frame is
 *   the last word of a run, so the parent never sees an outcome before the data before it.
 */
import type { LogLevel } from '../records.ts';

/** Bumped whenever a message changes shape; both sides refuse a mismatch. */
export const PROTOCOL_VERSION = 1;

/** File descriptor of the frame pipe in the child (stdio index). */
export const FRAME_FD = 4;

/** Longest result key (characters). */
export const MAX_RESULT_KEY_CHARS = 500;

/**
 * Largest frame the parent reads: a batch holds up to ~512 KiB of entries plus one entry of
 * up to `maxEntryBytes` characters, which JSON may escape to six bytes each.
 */
export function maxFrameBytes(maxEntryBytes: number): number {
  return 8 * maxEntryBytes + 4 * 1024 * 1024;
}

// ---- parent → child (IPC channel) -------------------------------------------------

/** What the run needs to know: sent once, when the parent hands a run to a warm host. */
export interface StartMessage {
  type: 'start';
  version: number;
  /** Absolute path of the experiment module. */
  file: string;
  context: {
    run: unknown;
    instance: unknown;
    configuration: Record<string, unknown>;
    experiment: { name: string; file: string };
  };
  limits: { maxEntryBytes: number };
}

export interface CancelMessage {
  type: 'cancel';
  reason: string;
}

/**
 * Sent to a warm host before its run exists (`athanor run`): import the experiment now and
 * describe its definition, so the command checks the configuration while storage opens, and
 * the run that follows finds its module loaded, in the same process.
 */
export interface PreloadMessage {
  type: 'preload';
  /** Absolute path of the experiment module (the `file` its `start` will name). */
  file: string;
}

export type ParentMessage = StartMessage | CancelMessage | PreloadMessage;

// ---- child → parent (frame pipe) --------------------------------------------------

/** A log entry on the wire: level, message, metadata as JSON text (or null), time in ms. */
export type WireLog = [level: LogLevel, message: string, metadata: string | null, timestamp: number];

/** A result on the wire: key, value as JSON text, time in ms. */
export type WireResult = [key: string, value: string, timestamp: number];

export interface WireProgress {
  current: number;
  total: number;
  message?: string;
}

/** The host is up (tsx loaded) and waits for its `start`. */
export interface ReadyFrame {
  t: 'ready';
  version: number;
  pid: number;
}

/** Output of the run since the previous frame. */
export interface BatchFrame {
  t: 'batch';
  logs?: WireLog[];
  results?: WireResult[];
  progress?: WireProgress;
}

export interface WireError {
  message: string;
  stack?: string;
  code?: string;
}

/** How `run()` ended, as the child saw it. Always the last frame. */
export interface EndFrame {
  t: 'end';
  outcome: 'completed' | 'failed' | 'cancelled';
  error?: WireError;
}

/** A problem the author should see (a call after the run ended...). */
export interface WarningFrame {
  t: 'warning';
  message: string;
}

/** The answer to a {@link PreloadMessage}: the module's definition, or why it has none. */
export interface PreloadedFrame {
  t: 'preloaded';
  file: string;
  definition?: { name: string; description: string | null; schema: Record<string, unknown> };
  error?: WireError;
}

export type ChildFrame = ReadyFrame | BatchFrame | EndFrame | WarningFrame | PreloadedFrame;

// ---- validation (parent side) -----------------------------------------------------

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** Thrown for a frame that does not follow the protocol; fails that run, nothing else. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code = 'ERR_IPC_PROTOCOL';
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function checkLogs(logs: unknown): void {
  if (!Array.isArray(logs)) throw new ProtocolError('batch.logs is not a list');
  for (const entry of logs) {
    if (!Array.isArray(entry) || !LEVELS.has(entry[0]) || !isText(entry[1]) || !(entry[2] === null || isText(entry[2])) || !isTime(entry[3])) {
      throw new ProtocolError(`malformed log entry ${JSON.stringify(entry).slice(0, 200)}`);
    }
  }
}

function checkResults(results: unknown): void {
  if (!Array.isArray(results)) throw new ProtocolError('batch.results is not a list');
  for (const entry of results) {
    if (!Array.isArray(entry) || !isText(entry[0]) || entry[0] === '' || !isText(entry[1]) || !isTime(entry[2])) {
      throw new ProtocolError(`malformed result entry ${JSON.stringify(entry).slice(0, 200)}`);
    }
  }
}

function checkProgress(progress: unknown): void {
  const p = progress as WireProgress | null;
  if (!p || typeof p !== 'object' || !isTime(p.current) || !isTime(p.total) || !(p.message === undefined || isText(p.message))) {
    throw new ProtocolError(`malformed progress ${JSON.stringify(progress).slice(0, 200)}`);
  }
}

/** Parses and checks one frame line from a child. Throws a ProtocolError naming the problem. */
export function parseChildFrame(line: string): ChildFrame {
  let frame: any;
  try {
    frame = JSON.parse(line);
  } catch {
    throw new ProtocolError(`a frame is not JSON: ${line.slice(0, 200)}`);
  }
  switch (frame?.t) {
    case 'batch':
      if (frame.logs !== undefined) checkLogs(frame.logs);
      if (frame.results !== undefined) checkResults(frame.results);
      if (frame.progress !== undefined) checkProgress(frame.progress);
      return frame;
    case 'ready':
      if (frame.version !== PROTOCOL_VERSION) {
        throw new ProtocolError(`run host speaks protocol ${frame.version}, the server ${PROTOCOL_VERSION}`);
      }
      return frame;
    case 'end':
      if (!['completed', 'failed', 'cancelled'].includes(frame.outcome)) throw new ProtocolError(`unknown outcome ${frame.outcome}`);
      if (frame.error !== undefined && !isText(frame.error?.message)) throw new ProtocolError('end.error has no message');
      return frame;
    case 'warning':
      if (!isText(frame.message)) throw new ProtocolError('warning has no message');
      return frame;
    case 'preloaded': {
      const definition = frame.definition;
      const described = definition !== undefined && isText(definition?.name) && typeof definition.schema === 'object' && definition.schema !== null;
      if (!isText(frame.file) || (!described && !isText(frame.error?.message))) throw new ProtocolError('preloaded has no definition and no error');
      return frame;
    }
    default:
      throw new ProtocolError(`unknown frame type ${JSON.stringify(frame?.t)}`);
  }
}

/** The limits the parent holds a child's frames to (it cannot trust the child's Runtime). */
export interface FrameLimits {
  maxEntryBytes: number;
}

/**
 * The first limit a well-formed frame breaks, as a message naming it, or undefined. The
 * Runtime refuses these at the call; a frame that still breaks one was written behind its
 * back (a raw write to the frame pipe), and fails the run.
 */
export function frameLimitBroken(frame: ChildFrame, { maxEntryBytes }: FrameLimits): string | undefined {
  const over = (what: string, size: number, limit: number, unit = 'characters') =>
    size > limit ? `${what} is ${size} ${unit}, over the limit of ${limit}` : undefined;
  switch (frame.t) {
    case 'batch':
      for (const [, message, metadata] of frame.logs ?? []) {
        const broken = over('a log entry (message and metadata)', message.length + (metadata?.length ?? 0), maxEntryBytes);
        if (broken) return broken;
      }
      for (const [key, value] of frame.results ?? []) {
        const broken = over('a result key', key.length, MAX_RESULT_KEY_CHARS) ?? over(`result "${key.slice(0, 100)}"`, value.length, maxEntryBytes);
        if (broken) return broken;
      }
      return frame.progress?.message === undefined ? undefined : over('a progress message', frame.progress.message.length, maxEntryBytes);
    case 'warning':
      return over('a warning', frame.message.length, maxEntryBytes);
    case 'end':
      return over("the run's error", (frame.error?.message.length ?? 0) + (frame.error?.stack?.length ?? 0), 2 * maxEntryBytes);
    default:
      return undefined;
  }
}
