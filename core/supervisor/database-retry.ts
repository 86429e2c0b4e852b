/**
 * Riding out a database that went away (a restart, a network cut): an operation that
 * fails because the database cannot be reached is tried again with backoff until it
 * succeeds or the outage has lasted longer than the bound. Any other failure is final.
 */
import { isConnectionError } from '../../storage/storage-errors.ts';

/** Thrown when the database stayed away for longer than the bound. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'ERR_DATABASE_UNAVAILABLE';

  constructor(boundMs: number, cause: unknown) {
    super(`the database was unavailable for more than ${Math.round(boundMs / 1000)} s (${(cause as Error)?.message ?? cause})`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

export interface RetryOptions {
  /** How long the database may stay away (ms). */
  boundMs: number;
  /** When the outage began, if it began before this call (a later batch shares the wait). */
  since?: number;
  /** Stops waiting (the run is being stopped for good). */
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt(n)` (n = 0, 1, …) until it succeeds, retrying connection failures within the bound. */
export async function retryWhileUnavailable<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let since = options.since;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      since ??= Date.now();
      if (Date.now() - since > options.boundMs || options.signal?.aborted) throw new DatabaseUnavailableError(options.boundMs, error);
      await sleep(Math.min(2000, 50 * 2 ** n));
    }
  }
}
