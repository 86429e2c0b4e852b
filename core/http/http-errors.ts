/**
 * Errors → HTTP responses: `{error, code, errors?, matches?}` with the status the contract names.
 * Nothing internal (a stack, a path outside the project) ever reaches a client.
 */
import { AmbiguousIdError, AthanorError } from '../errors.ts';
import { ConfigValidationError } from '../experiment/config-validator.ts';
import { describeError, isConnectionError } from '../../storage/storage-errors.ts';

/** An error raised by the HTTP layer itself (bad JSON, a body too large), with its status. */
export class HttpError extends AthanorError {
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  ERR_BAD_INPUT: 400,
  ERR_BAD_PATH: 400,
  ERR_BAD_NAME: 400,
  ERR_NOT_JSON: 400,
  ERR_NOT_FOUND: 404,
  ERR_UNKNOWN_EXPERIMENT: 404,
  ERR_CONFLICT: 409,
  ERR_AMBIGUOUS_ID: 409,
  ERR_EXISTS: 409,
  ERR_INVALID_TRANSITION: 409,
  ERR_TOO_LARGE: 413,
  ERR_INVALID_CONFIG: 422,
  ERR_INVALID_DEFINITION: 422,
};

export interface ErrorBody {
  error: string;
  code: string;
  errors?: { path: string; message: string }[];
  /** The ids an ambiguous short id matches (some of them: the message says how many). */
  matches?: readonly string[];
}

/** The status and body for any thrown value; unexpected errors are logged, not shown. */
export function toErrorResponse(error: unknown, log: (error: unknown) => void): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message, code: error.code } };
  if (error instanceof ConfigValidationError) {
    return { status: 422, body: { error: error.message, code: error.code, errors: error.errors } };
  }
  if (error instanceof AmbiguousIdError) return { status: 409, body: { error: error.message, code: error.code, matches: error.matches } };
  const code = (error as { code?: unknown })?.code;
  // A database that is away: the same request may succeed once it is back.
  if (code === 'ERR_DATABASE_UNAVAILABLE' || isConnectionError(error)) {
    return { status: 503, body: { error: `the database is unavailable: ${describeError(error)}`, code: 'ERR_DATABASE_UNAVAILABLE' } };
  }
  if (typeof code === 'string' && STATUS_BY_CODE[code]) {
    return { status: STATUS_BY_CODE[code]!, body: { error: (error as Error).message, code } };
  }
  log(error);
  return { status: 500, body: { error: 'internal error: the server logged the details', code: 'ERR_INTERNAL' } };
}
