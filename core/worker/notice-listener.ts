/**
 * A dedicated Postgres connection that LISTENs on the run pool's channels and hands each
 * notification on. A lost connection is made again (with backoff) and its channels
 * listened to again; notifications sent meanwhile are lost, which the readers allow for
 * (rows are the truth; a notice only says where to look).
 */
import pg from 'pg';

export interface NoticeListenerOptions {
  connectionString: string;
  channels: readonly string[];
  onNotice(channel: string, payload: string | undefined): void;
  /** Told when the connection is lost or made again (default: quiet). */
  onStatus?: (status: 'listening' | 'lost', error?: Error) => void;
}

export interface NoticeListener {
  /** Resolves once listening for the first time (rejects if the first connection fails). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Starts listening; `close()` ends the connection. */
export function listenForNotices(options: NoticeListenerOptions): NoticeListener {
  let client: pg.Client | undefined;
  let closed = false;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'athanor-listen' });
    next.on('notification', (message) => options.onNotice(message.channel, message.payload));
    next.on('error', () => {}); // seen as 'end' below
    await next.connect();
    for (const channel of options.channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    if (closed) return void (await next.end().catch(() => {}));
    client = next;
    options.onStatus?.('listening');
    next.once('end', () => void reconnect());
  };

  const reconnect = async (): Promise<void> => {
    client = undefined;
    if (closed) return;
    options.onStatus?.('lost');
    for (let attempt = 0; !closed; attempt++) {
      await sleep(Math.min(5000, 100 * 2 ** attempt));
      try {
        await connect();
        return;
      } catch (error) {
        options.onStatus?.('lost', error as Error);
      }
    }
  };

  const ready = connect();
  ready.catch(() => {});
  return {
    ready,
    async close() {
      closed = true;
      await ready.catch(() => {});
      await client?.end().catch(() => {});
    },
  };
}
