/**
 * Refusals of the source access API, with a code the HTTP layer maps to a status:
 * `ERR_BAD_PATH` and `ERR_BAD_NAME` (400), `ERR_TOO_LARGE` (413), `ERR_NOT_FOUND` (404),
 * `ERR_EXISTS` and `ERR_CONFLICT` (409). Nothing is written when one is thrown.
 */
export type SourceAccessErrorCode = 'ERR_BAD_PATH' | 'ERR_BAD_NAME' | 'ERR_TOO_LARGE' | 'ERR_NOT_FOUND' | 'ERR_EXISTS' | 'ERR_CONFLICT';

/** A refused source read, write or creation. */
export class SourceAccessError extends Error {
  override readonly name = 'SourceAccessError';
  readonly code: SourceAccessErrorCode;

  constructor(code: SourceAccessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
