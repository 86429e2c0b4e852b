/**
 * Failures of the environment the user can fix — the database folder is held by a running
 * workbench, the Postgres server is unreachable, the port is taken — turned into one line
 * that names the thing, what went wrong and what to do (exit 2, no stack).
 *
 * Design note: errors are recognised by class and by system or SQLSTATE code, never by
 * message, and only around the calls that open the database or the port. Anything else
 * stays as thrown, so a real crash still shows its stack.
 */
import { hostname } from 'node:os';
import { resolve, sep } from 'node:path';
import { AthanorError } from '../errors.ts';
import { parseDatabaseSpec, redactUrl } from '../../storage/open-database.ts';
import { DatabaseLockedError } from '../../storage/storage-errors.ts';

/** The database or the port cannot be opened as given (CLI exit 2, the message only). */
export class EnvironmentError extends AthanorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ENVIRONMENT', message, options);
  }
}

type SystemError = Error & { code?: unknown; syscall?: unknown; path?: unknown; hostname?: unknown; severity?: unknown };

/** `error`, its causes and the members of aggregate errors, outermost first. */
function chain(error: unknown): SystemError[] {
  const found: SystemError[] = [];
  const queue = [error];
  while (queue.length > 0 && found.length < 20) {
    const next = queue.shift();
    if (!(next instanceof Error) || found.includes(next)) continue;
    found.push(next);
    if (next instanceof AggregateError) queue.push(...next.errors);
    queue.push(next.cause);
  }
  return found;
}

/** Why a connection to a Postgres server failed, by Node's system error codes. */
const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** SQLSTATEs with which a Postgres server refuses a login: pg's message says which. */
const LOGIN_REFUSED = /^(28000|28P01|3D000)$/;

/** Why a PGlite folder cannot be used, by the code of the failing file-system call. */
const FOLDER_FAILURES: Record<string, (path: string) => string> = {
  EEXIST: (path) => `${path} exists and is not a folder (name a folder, or a path to create one)`,
  ENOTDIR: (path) => `a part of ${path} is a file, not a folder (name a folder, or a path to create one)`,
  EACCES: (path) => `permission denied on ${path} (name a folder you can write, or pass --db memory)`,
  EPERM: (path) => `permission denied on ${path} (name a folder you can write, or pass --db memory)`,
  EROFS: (path) => `${path} is on a read-only file system (name a folder you can write, or pass --db memory)`,
  // mkdir of a folder whose parent exists but takes none (/proc/x).
  ENOENT: (path) => `${path} cannot be created there (name a folder you can write, or pass --db memory)`,
};

function lockedReason(error: DatabaseLockedError): string {
  const { pid, hostname: host } = error.owner;
  const elsewhere = host !== hostname() ? ` on host ${host}` : '';
  const gone = elsewhere ? `; if that process is gone, delete ${error.lockFile}` : '';
  return `it is in use by process ${pid}${elsewhere} (a running workbench?). Stop it, or pass --db memory (or another folder) to run from the shell${gone}.`;
}

function postgresReason(errors: SystemError[]): string | undefined {
  for (const error of errors) {
    const code = typeof error.code === 'string' ? error.code : '';
    if (CONNECT_FAILURES[code]) return CONNECT_FAILURES[code];
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return `host ${typeof error.hostname === 'string' ? `"${error.hostname}" ` : ''}not found`;
    }
    // pg's DatabaseError: a server that answered, with a SQLSTATE and a severity.
    if (typeof error.severity === 'string' && LOGIN_REFUSED.test(code)) return error.message;
  }
  return undefined;
}

function isInside(path: string, dir: string): boolean {
  const full = resolve(path);
  const root = resolve(dir);
  return full === root || full.startsWith(root + sep) || root.startsWith(full + sep);
}

function pgliteReason(errors: SystemError[], dir: string): string | undefined {
  for (const error of errors) {
    const code = typeof error.code === 'string' ? error.code : '';
    const path = typeof error.path === 'string' ? error.path : undefined;
    // Only the folder's own file-system calls (creating it, taking its lock file).
    if (FOLDER_FAILURES[code] && path !== undefined && isInside(path, dir)) return FOLDER_FAILURES[code](path);
  }
  return undefined;
}

/**
 * The {@link EnvironmentError} that explains why database `spec` could not be opened or
 * migrated, or undefined when `error` is not one the user can fix (then it is a bug).
 */
export function explainDatabaseError(error: unknown, spec: string): EnvironmentError | undefined {
  const errors = chain(error);
  const locked = errors.find((e): e is DatabaseLockedError => e instanceof DatabaseLockedError);
  let reason: string | undefined;
  if (locked) {
    reason = lockedReason(locked);
  } else {
    let parsed: ReturnType<typeof parseDatabaseSpec>;
    try {
      parsed = parseDatabaseSpec(spec);
    } catch {
      return undefined;
    }
    if (parsed.kind === 'postgres') reason = postgresReason(errors);
    if (parsed.kind === 'pglite') reason = pgliteReason(errors, parsed.dir);
  }
  return reason === undefined ? undefined : new EnvironmentError(`cannot open ${redactUrl(spec)}: ${reason}`, { cause: error });
}

/**
 * Awaits `open()` (something that opens database `spec`), turning the failures the user
 * can fix into an {@link EnvironmentError}.
 *
 * @example
 * const workbench = await openingDatabase(spec, () => createWorkbench({ database: spec }));
 */
export async function openingDatabase<T>(spec: string, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw explainDatabaseError(error, spec) ?? error;
  }
}

/** Why listening failed, by the code of the `listen` (or the host's `getaddrinfo`) call. */
function listenReason(error: SystemError, host: string): string | undefined {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'the port is in use (pass --port 0 for a free one)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges; pass --port 0 for a free one)';
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine (pass --host 127.0.0.1, or 0.0.0.0 for every interface)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return error.syscall === 'getaddrinfo' ? `host "${host}" not found` : undefined;
    default:
      return undefined;
  }
}

/**
 * Awaits `listen()` (a server starting on `host`:`port`), turning a taken port, a port
 * that needs privileges or a host that is not this machine into an {@link EnvironmentError}.
 */
export async function listeningOn<T>(host: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    for (const cause of chain(error)) {
      const reason = listenReason(cause, host);
      const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      if (reason !== undefined) throw new EnvironmentError(`cannot listen on ${address}: ${reason}`, { cause: error });
    }
    throw error;
  }
}
