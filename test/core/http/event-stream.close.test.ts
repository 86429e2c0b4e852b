/**
 * A stream asked for while the server stops is refused, not held open: nothing would end it,
 * and closing the server would wait for it (a view reconnecting on a kept-alive socket as the
 * workbench stopped held a test's server for 300 s, until Node's request timeout).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';

const test = suite('HTTP API: live events as the server stops');

test('after the event hub closes, /api/events answers 503 and ends at once', async () => {
  await withServer(async ({ base, server }) => {
    server.events.close();
    const response = await fetch(`${base}/api/events`);
    assert.is(response.status, 503);
    assert.is(await response.text(), 'the workbench is stopping', 'the body ends: the stream is not held open');
    assert.is(server.events.clientCount, 0);
  });
});

test.run();
