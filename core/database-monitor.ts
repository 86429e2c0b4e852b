/**
 * Whether the database can be reached now, for `/api/health` and the UI's header. A
 * Postgres server may restart or stop; it is probed every few seconds, and at once when a
 * caller saw a connection fail, so the status follows within about a probe. The embedded
 * backends live in this process and cannot go away: their status is always `ok`.
 */
import { sql, type Kysely } from 'kysely';
import { describeError, isConnectionError } from '../storage/storage-errors.ts';
import type { DatabaseStatus } from './records.ts';

export type { DatabaseStatus };

export interface DatabaseMonitor {
  /** The status as last seen. */
  current(): DatabaseStatus;
  /** Probes now (at most one probe at a time) and resolves with the fresh status. */
  check(): Promise<DatabaseStatus>;
  /** Called with each change of status; returns the function that stops it. */
  subscribe(listener: (status: DatabaseStatus) => void): () => void;
  stop(): void;
}

export interface DatabaseMonitorOptions {
  /** Time between probes (default 2 s). */
  intervalMs?: number;
  /** A probe that takes longer counts as unavailable (default 1 s). */
  timeoutMs?: number;
}

const OK: DatabaseStatus = Object.freeze({ status: 'ok' });

/** A monitor for a backend that cannot go away. */
export function alwaysAvailable(): DatabaseMonitor {
  return { current: () => OK, check: async () => OK, subscribe: () => () => {}, stop: () => {} };
}

/** Probes `db` with `select 1` every `intervalMs` until stopped. */
export function createDatabaseMonitor(db: Kysely<any>, options: DatabaseMonitorOptions = {}): DatabaseMonitor {
  const intervalMs = options.intervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 1000;
  const listeners = new Set<(status: DatabaseStatus) => void>();
  let status: DatabaseStatus = OK;
  let probing: Promise<DatabaseStatus> | undefined;
  let stopped = false;

  const set = (next: DatabaseStatus) => {
    if (next.status === status.status) return;
    status = next;
    for (const listener of listeners) listener(status);
  };

  const probe = async (): Promise<DatabaseStatus> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    });
    try {
      await Promise.race([sql`select 1`.execute(db), timeout]);
      set(OK);
    } catch (error) {
      // Only an unreachable server counts; anything else (the pool closing) says nothing.
      if (!stopped && isConnectionError(error)) {
        set({ status: 'unavailable', since: status.status === 'unavailable' ? status.since : new Date().toISOString(), error: describeError(error) });
      }
    } finally {
      clearTimeout(timer);
    }
    return status;
  };

  const check = () => (probing ??= probe().finally(() => (probing = undefined)));
  const interval = setInterval(() => void check(), intervalMs);
  interval.unref();

  return {
    current: () => status,
    check,
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    stop: () => {
      stopped = true;
      clearInterval(interval);
      listeners.clear();
    },
  };
}
