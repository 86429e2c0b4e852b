/**
 * The Postgres backend's side of copy-rows.ts: a pg Client that runs
 * `COPY_MARKER` queries as `COPY … FROM STDIN` (pg-copy-streams), streaming the
 * data's chunks as they are made.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyQuery, type CopyData } from '../copy-rows.ts';

async function copyIn(client: pg.Client, statement: string, data: CopyData): Promise<pg.QueryResult> {
  const stream = copyFrom(`${statement} from stdin`);
  (pg.Client.prototype.query as (submittable: pg.Submittable) => unknown).call(client, stream);
  const done = finished(stream);
  // Awaited below, but a connection lost mid-COPY rejects it while the loop waits elsewhere:
  // unhandled for that moment, the rejection would end the process.
  done.catch(() => {});
  try {
    for (const chunk of data) {
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
      // The socket usually takes a chunk at once, so nothing above waits: yield anyway, or
      // a batch of thousands of rows is one long task that every request waits behind.
      else await new Promise(setImmediate);
    }
    stream.end();
  } catch (error) {
    // Bad data (or a failed write): abort the COPY (CopyFail), then report the cause.
    stream.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  await done;
  return { command: 'COPY', rowCount: stream.rowCount, rows: [], oid: 0, fields: [] };
}

/** A pg Client that runs `COPY_MARKER` queries as COPY FROM STDIN. */
export class CopyCapableClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    // A connection lost while the client is checked out but between queries (idle in a
    // transaction: a batch waiting for the one before to commit) is an `error` event that
    // the pool no longer listens to, and would end the process (a Postgres restart says
    // 57P01). The next query on the client fails with the cause; the pool then drops it.
    this.on('error', () => {});
  }

  // pg's overloads cannot be restated one by one; every other call goes to pg unchanged.
  override query(...args: any[]): any {
    const copy = copyQuery(args[0], args[1]);
    if (copy) return copyIn(this, copy.statement, copy.data);
    return (super.query as (...a: any[]) => any)(...args);
  }
}
