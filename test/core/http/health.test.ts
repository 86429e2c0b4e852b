// GET /api/health: what the workbench reaches (its database) and holds open (event
// streams, runs), read without needing the database.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const test = suite('GET /api/health');

test('an idle workbench: database ok, nothing open', async () => {
  await withServer(async ({ api }) => {
    const { status, body } = await api('GET', '/api/health');
    assert.is(status, 200);
    assert.equal(body, { database: { status: 'ok' }, eventClients: 0, activeRuns: 0, queuedRuns: 0 });
  });
});

test('counts open event streams and active runs as they come and go', async () => {
  await withServer(async ({ api, base }) => {
    const health = async () => (await api('GET', '/api/health')).body;
    const streams = [new AbortController(), new AbortController()];
    const responses = await Promise.all(streams.map((s) => fetch(`${base}/api/events`, { signal: s.signal })));
    assert.is((await health()).eventClients, 2);
    streams[0]!.abort();
    await responses[0]!.body?.cancel().catch(() => {});
    await until(async () => (await health()).eventClients === 1, 'a closed stream to be counted out');

    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'h', configuration: { mode: 'cooperative', delay_ms: 10 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
    await until(async () => (await health()).activeRuns === 1, 'the run to be counted');
    await api('POST', `/api/runs/${run.id}/cancel`);
    await until(async () => (await health()).activeRuns === 0, 'the ended run to be counted out');
    streams[1]!.abort();
  });
});

test.run();
