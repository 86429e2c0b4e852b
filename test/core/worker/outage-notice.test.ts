import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOutage, onOutage, sayOutage } from '../../../core/worker/outage-notice.ts';

test('the errors a database restart gives the run pool are told from others', () => {
  // What a 2-second Postgres restart printed, raw, 13 times (a user test).
  for (const message of [
    'Error occurred attempting to UNLISTEN: Error: Client has encountered a connection error and is not queryable',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'terminating connection due to administrator command',
    'Connection terminated unexpectedly',
  ]) {
    assert.ok(isOutage(message), message);
    assert.ok(isOutage(new Error(message)), message);
  }
  assert.ok(isOutage(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })));
  assert.not.ok(isOutage('duplicate key value violates unique constraint "jobs_pkey"'));
  assert.not.ok(isOutage(new Error('syntax error at or near "selec"')));
});

test('an outage is said once a while per kind, in words, not once per failed query; each is told to the listeners (the monitor looks at once)', () => {
  const said: string[] = [];
  const write = (text: string) => void said.push(text);
  let told = 0;
  const off = onOutage(() => told++);
  for (let i = 0; i < 13; i++) sayOutage('test-queue', 'the queue lost its database connection', write);
  sayOutage('test-notices', 'live updates are not sent', write);
  off();
  sayOutage('test-notices', 'live updates are not sent', write);
  assert.equal(said, ['the queue lost its database connection\n', 'live updates are not sent\n']);
  assert.is(told, 14);
});

test.run();
