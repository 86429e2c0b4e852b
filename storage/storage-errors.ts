/**
 * The errors storage raises on purpose, each with a string `code` so callers (the CLI,
 * the HTTP API) can map them without matching messages.
 */

/** A `--db` / `ATHANOR_DATABASE_URL` value that names no known backend. */
export class DatabaseSpecError extends Error {
  override readonly name = 'DatabaseSpecError';
  readonly code = 'ERR_DATABASE_SPEC';
  /** The value as given. */
  readonly spec: string;

  constructor(spec: string, message: string) {
    super(message);
    this.spec = spec;
  }
}

/** Who holds a PGlite folder, as written in its lock file. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the owner took the lock. */
  startedAt: string;
}

/** A PGlite folder already opened by another live process (or by this one). */
export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
  readonly code = 'ERR_DATABASE_LOCKED';
  readonly spec: string;
  /** The lock file that holds the folder. */
  readonly lockFile: string;
  readonly owner: LockOwner;

  constructor(spec: string, lockFile: string, owner: LockOwner, message: string) {
    super(message);
    this.spec = spec;
    this.lockFile = lockFile;
    this.owner = owner;
  }
}

/** Migrating a database failed; `cause` is the error of the failing migration. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code = 'ERR_MIGRATION';
  /** Migrations applied before the failure (they stay applied where DDL is not transactional). */
  readonly applied: readonly string[];
  /** The migration that failed, when one did (else the failure was in Kysely's bookkeeping). */
  readonly failed: string | undefined;

  constructor(message: string, options: { applied: readonly string[]; failed?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.applied = options.applied;
    this.failed = options.failed;
  }
}

/** Any thrown value as an Error (a string or object thrown by a library becomes one). */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
}

/** A one-line description of an error, never empty (pg's AggregateError has no message). */
export function describeError(value: unknown): string {
  const error = coerceError(value);
  if (error.message) return error.message;
  const code = (error as { code?: unknown }).code;
  const inner = error instanceof AggregateError ? error.errors.map(describeError).join('; ') : '';
  return [error.name, typeof code === 'string' ? code : '', inner].filter(Boolean).join(': ');
}

/** SQLSTATEs of a server that went away: admin/crash shutdown, cannot connect now, and class 08. */
const CONNECTION_STATES = new Set(['57P01', '57P02', '57P03']);
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error says the database cannot be reached right now (a restart, a network
 * cut), as opposed to refusing what was asked: the same request may succeed later.
 */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_STATES.has(code) || code.startsWith('08') || CONNECTION_CODES.has(code))) return true;
  return typeof message === 'string' && /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed and is not queryable/i.test(message);
}
