/**
 * What travels between the machines of a run pool besides the rows: small Postgres
 * notifications. A worker says "run R stored logs a..b" (`athanor_runs`); a serving
 * workbench reads those rows and publishes them on its event bus as for its own runs. A
 * workbench says "cancel run R" (`athanor_cancel`); the worker running R applies the ladder.
 *
 * Payloads are JSON, far below Postgres' 8,000-byte limit: ids, sequence ranges, a
 * status, a progress with its message cut short.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import type { RunProgress } from '../records.ts';
import { isOutage, sayOutage } from './outage-notice.ts';

export const RUNS_CHANNEL = 'athanor_runs';
export const CANCEL_CHANNEL = 'athanor_cancel';

/** One change of a run, as notified: `status` changed, `logs`/`results` `first..last` stored, `progress`. */
export type RunNotice =
  | { t: 'status'; node: string; runId: string; instanceId: string }
  | { t: 'logs' | 'results'; node: string; runId: string; instanceId: string; first: number; last: number }
  | { t: 'progress'; node: string; runId: string; instanceId: string; progress: RunProgress };

/** A request to cancel a run, wherever it runs. */
export interface CancelNotice {
  runId: string;
  reason: string;
}

/** The longest progress message a notice carries (the row keeps the whole of it). */
const PROGRESS_MESSAGE_CHARS = 500;

/** A notice's payload text. */
export function encodeRunNotice(notice: RunNotice): string {
  if (notice.t !== 'progress' || (notice.progress.message?.length ?? 0) <= PROGRESS_MESSAGE_CHARS) return JSON.stringify(notice);
  const message = `${notice.progress.message!.slice(0, PROGRESS_MESSAGE_CHARS)}…`;
  return JSON.stringify({ ...notice, progress: { ...notice.progress, message } });
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Reads a notice; undefined for a payload this version does not know (another version's, or noise). */
export function decodeRunNotice(payload: string | undefined): RunNotice | undefined {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    if (!isRecord(value) || typeof value.runId !== 'string' || typeof value.instanceId !== 'string' || typeof value.node !== 'string') return undefined;
    if (value.t === 'status') return value as RunNotice;
    if ((value.t === 'logs' || value.t === 'results') && Number.isInteger(value.first) && Number.isInteger(value.last)) return value as RunNotice;
    if (value.t === 'progress' && isRecord(value.progress)) return value as RunNotice;
  } catch {
    // not JSON
  }
  return undefined;
}

export function decodeCancelNotice(payload: string | undefined): CancelNotice | undefined {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    if (isRecord(value) && typeof value.runId === 'string' && typeof value.reason === 'string') return { runId: value.runId, reason: value.reason };
  } catch {
    // not JSON
  }
  return undefined;
}

/** Sends `payloads` on `channel`, in order, in one statement. */
export async function notify(db: Kysely<DatabaseSchema>, channel: string, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 0) return;
  await sql`select pg_notify(${channel}, payload) from unnest(${[...payloads]}::text[]) with ordinality as p(payload, n) order by n`.execute(db);
}

/** Asks the worker running `runId` to cancel it. */
export function notifyCancel(db: Kysely<DatabaseSchema>, notice: CancelNotice): Promise<void> {
  return notify(db, CANCEL_CHANNEL, [JSON.stringify(notice)]);
}

/**
 * Sends run notices in order, batched: notices given while a send is under way go in the
 * next statement together. A failed send is reported and dropped (the rows are stored
 * whatever happens; a tab that misses a notice reads them when it next asks).
 */
/** A notice not sent: while the database is away, said once a while in words; else its error. */
function reportLostNotice(error: unknown): void {
  if (isOutage(error)) {
    sayOutage('notices', 'athanor: the database is away: live run updates for other workbenches and workers are not sent until it is back');
    return;
  }
  console.error(`athanor: a run notification was lost: ${(error as Error)?.message ?? error}`);
}

export class RunNoticeSender {
  readonly #db: Kysely<DatabaseSchema>;
  #waiting: string[] = [];
  #sending: Promise<void> | undefined;
  readonly #onError: (error: unknown) => void;

  constructor(db: Kysely<DatabaseSchema>, onError: (error: unknown) => void = reportLostNotice) {
    this.#db = db;
    this.#onError = onError;
  }

  send(notice: RunNotice): void {
    this.#waiting.push(encodeRunNotice(notice));
    this.#sending ??= this.#loop();
  }

  /** Resolves when every notice given so far has been sent (or dropped). */
  async flush(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  async #loop(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, 500);
      await notify(this.#db, RUNS_CHANNEL, batch).catch(this.#onError);
    }
    this.#sending = undefined;
  }
}
