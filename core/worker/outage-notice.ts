/**
 * What the run pool says on stderr while its database is away: one line a while per kind,
 * in words, not every failed query's raw error (a 2-second Postgres restart printed 13 lines
 * of graphile-worker's and the notifier's errors, and none said the database was the matter).
 */
import { isConnectionError } from '../../storage/storage-errors.ts';

/** How long one kind of notice stays said. */
const QUIET_MS = 30_000;
const lastSaid = new Map<string, number>();

/** Whether `error` (or a logged message) says the database connection is gone. */
export function isOutage(error: unknown): boolean {
  if (typeof error === 'string') return /ECONNREFUSED|ECONNRESET|Connection terminated|connection error|not queryable|terminating connection|the database system is (shutting down|starting up)/i.test(error);
  return isConnectionError(error) || isOutage(String((error as Error)?.message ?? ''));
}

const listeners = new Set<() => void>();

/**
 * Calls `listener` each time the run pool sees its database connection fail: the workbench's
 * database monitor probes at once, so a restart shorter than its interval is still said
 * ("database: unavailable", then "back") in the terminal and the UI. Returns the unsubscriber.
 */
export function onOutage(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners, and writes `line` unless the same `kind` was said in the last 30 s. */
export function sayOutage(kind: string, line: string, write: (text: string) => void = (text) => process.stderr.write(text)): void {
  for (const listener of listeners) listener();
  const now = Date.now();
  if (now - (lastSaid.get(kind) ?? -Infinity) < QUIET_MS) return;
  lastSaid.set(kind, now);
  write(`${line}\n`);
}
