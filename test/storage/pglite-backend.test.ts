/** The PGlite backend shares the workbench's thread: queries must leave it room. */
import { sql } from 'kysely';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openTestDatabase } from '../helpers/databases.ts';

const test = suite('pglite backend');

test('queries queued back to back let the event loop in between, so requests and timers are not held up', async () => {
  await using database = await openTestDatabase('pglite');
  let done = 0;
  let doneWhenTheLoopGotATurn = -1;
  const queries = Array.from({ length: 200 }, () => sql`select 1`.execute(database.db).then(() => done++));
  setImmediate(() => (doneWhenTheLoopGotATurn = done));
  await Promise.all(queries);
  assert.ok(doneWhenTheLoopGotATurn >= 0 && doneWhenTheLoopGotATurn < 200, `the loop first got a turn after ${doneWhenTheLoopGotATurn} of 200 queries`);
});

test.run();
