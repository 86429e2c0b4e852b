/**
 * The few error classes that cross boundaries (HTTP status, CLI exit code, IPC). Each has
 * a string `code`; `coerceError` turns anything thrown into an Error at a boundary.
 */

/** Base class: an error with a stable string code. */
export class AthanorError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: a malformed request or argument (HTTP 400, CLI exit 2). */
export class InputError extends AthanorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BAD_INPUT', message, options);
  }
}

/** No such instance, run or experiment (HTTP 404). */
export class NotFoundError extends AthanorError {
  constructor(message: string) {
    super('ERR_NOT_FOUND', message);
  }
}

/** The request conflicts with the current state: a duplicate name (HTTP 409). */
export class ConflictError extends AthanorError {
  constructor(message: string) {
    super('ERR_CONFLICT', message);
  }
}

/** A short id (a prefix) that several records start with (HTTP 409); `matches` lists some of them. */
export class AmbiguousIdError extends AthanorError {
  readonly matches: readonly string[];

  constructor(message: string, matches: readonly string[]) {
    super('ERR_AMBIGUOUS_ID', message);
    this.matches = Object.freeze([...matches]);
  }
}

/** A run status change the lifecycle does not allow (HTTP 409). */
export class InvalidTransitionError extends AthanorError {
  readonly from: string;
  readonly to: string;

  constructor(runId: string, from: string, to: string) {
    super('ERR_INVALID_TRANSITION', `run ${runId} cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** Anything thrown, as an Error (strings and objects become messages). */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value) ?? String(value));
  } catch {
    return new Error(String(value));
  }
}
