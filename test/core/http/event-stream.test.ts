import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';
import { createEventBus } from '../../../core/events/event-bus.ts';
import { EventHub } from '../../../core/http/event-stream.ts';
import { listen, type SseEvent } from '../../helpers/sse-client.ts';

const events = suite('HTTP API: live events');

events('two clients see a run\'s events in order with nothing missing', async () => {
  await withServer(async ({ api, base }) => {
    const a = listen(`${base}/api/events`);
    const b = listen(`${base}/api/events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'E', configuration: { mode: 'log_many', count: 3000 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`)).body;
    const ended = (list: SseEvent[]) => list.some((e) => e.event === 'run.status' && e.data.runId === run.id && e.data.status === 'completed');
    await until(() => ended(a.received) && ended(b.received), 'both clients to see the run end');
    await Promise.all([a.close(), b.close()]);
    for (const client of [a, b]) {
      assert.ok(client.received.some((e) => e.event === 'instance.created' && e.data.instance.id === instance.id));
      const seqs = client.received.filter((e) => e.event === 'run.log' && e.data.runId === run.id).flatMap((e) => e.data.entries.map((l: { seq: number }) => l.seq));
      assert.equal(seqs, Array.from({ length: 3001 }, (_, i) => i + 1));
      const ids = client.received.map((e) => Number(e.id));
      assert.equal(ids, [...ids].sort((x, y) => x - y));
    }
    assert.equal(a.received.map((e) => e.id), b.received.map((e) => e.id));
  });
});

events('a reconnect with Last-Event-ID resumes without gaps or duplicates', async () => {
  await withServer(async ({ api, base }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'R', configuration: { mode: 'progress', count: 30, delay_ms: 10 } })).body;
    const first = listen(`${base}/api/events?instance=${instance.id}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const run = (await api('POST', `/api/instances/${instance.id}/runs`)).body;
    await until(() => first.received.length >= 2, 'a few events');
    await first.close(); // a dropped connection
    const lastId = first.received[first.received.length - 1]!.id!;
    await new Promise((resolve) => setTimeout(resolve, 300)); // events happen while disconnected
    const second = listen(`${base}/api/events?instance=${instance.id}`, { 'last-event-id': lastId });
    await until(() => second.received.some((e) => e.event === 'run.status' && e.data.status === 'completed'), 'the run to end');
    await second.close();
    const ids = [...first.received, ...second.received].map((e) => Number(e.id));
    assert.equal(ids, [...new Set(ids)].sort((x, y) => x - y), 'no duplicates, in order');
    const all = [...first.received, ...second.received];
    const logSeqs = all.filter((e) => e.event === 'run.log').flatMap((e) => e.data.entries.map((l: { seq: number }) => l.seq));
    assert.equal(logSeqs, Array.from({ length: logSeqs.length }, (_, i) => i + 1), 'no gaps in logs');
    assert.ok(all.every((e) => !e.data.runId || e.data.runId === run.id), 'filtered to the instance');
  });
});

events('every API answer says where the stream stood when it was read: a stream opened later from there misses nothing since', async () => {
  await withServer(async ({ api, base }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'E', configuration: { mode: 'complete', count: 3 } })).body;
    const read = await api('GET', `/api/instances/${instance.id}`);
    const at = read.headers.get('athanor-event-id');
    assert.match(at ?? '', /^\d+$/, 'the answer carries the event id');
    // The run happens, and ends, between that read and the stream opening.
    const run = (await api('POST', `/api/instances/${instance.id}/runs`)).body;
    await until(async () => (await api('GET', `/api/runs/${run.id}`)).body.status === 'completed', 'the run to end');
    const later = listen(`${base}/api/events?instance=${instance.id}`, { 'last-event-id': at! });
    await until(() => later.received.some((e) => e.event === 'run.status' && e.data.status === 'completed'), 'its end, sent again');
    await later.close();
    assert.ok(Number(later.received[0]!.id) > Number(at), 'only what followed the read');
  });
});

events('a Last-Event-ID from before a restart, or one never sent, gets stream.reset, never a silent gap', async () => {
  let before = '';
  await withServer(async ({ api, base }) => {
    const reader = listen(`${base}/api/events`);
    await until(() => reader.connected(), 'the stream to open');
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'before restart', configuration: {} });
    await until(() => reader.received.length > 0, 'an event');
    await reader.close();
    before = reader.received.at(-1)!.id!;
  });
  await withServer(async ({ api, base }) => {
    // The workbench restarted; something happens before the tab reconnects.
    await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'after restart', configuration: {} });
    for (const lastId of [before, String(Number.MAX_SAFE_INTEGER)]) {
      const reader = listen(`${base}/api/events`, { 'last-event-id': lastId });
      await until(() => reader.received.length > 0, `an answer to Last-Event-ID ${lastId}`);
      await reader.close();
      assert.is(reader.received[0]!.event, 'stream.reset', `Last-Event-ID ${lastId}`);
      assert.ok(Number(reader.received[0]!.id) > Number(before), 'the reset carries an id of this process to resume from');
    }
  });
});

events('a client that cannot keep up is dropped, never buffered without bound', async () => {
  await withServer(async ({ api, server }) => {
    const { request } = await import('node:http');
    // A client that opens the stream and never reads it.
    const stuck = request({ host: '127.0.0.1', port: server.port, path: '/api/events' });
    stuck.end();
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) => stuck.once('response', resolve));
    response.pause();
    const reader = listen(`http://127.0.0.1:${server.port}/api/events`);
    await until(() => server.events.clientCount === 2, 'both clients to connect');
    const instance = (await api('POST', '/api/instances', { experiment: 'kernel_fixture', name: 'S', configuration: { mode: 'big_logs', count: 200 } })).body;
    const run = (await api('POST', `/api/instances/${instance.id}/runs`)).body;
    // 20 MB of logs, enough to fill the stuck socket's kernel buffers: 2–4 s on a calm machine.
    await until(() => reader.received.some((e) => e.event === 'run.status' && e.data.status === 'completed'), 'the run to end', 30_000);
    // The reader may itself have been dropped and come back; with it connected, one client means the stuck one is gone.
    await until(() => reader.connected() && server.events.clientCount === 1, 'the stuck client to be dropped');
    await reader.close();
    response.destroy();
    assert.ok(reader.received.some((e) => e.event === 'run.log' && e.data.runId === run.id));
  }, { server: { events: { clientBuffer: 256 * 1024 } } });
});

events('a stream asked for as the server stops is refused, so it cannot hold the server open', async () => {
  const hub = new EventHub(createEventBus());
  const server = createServer((request, response) => hub.attach(request, response, {}));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.close();
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`);
  assert.is(response.status, 503);
  assert.is(await response.text(), 'the workbench is stopping');
  assert.is(hub.clientCount, 0);
  await new Promise((resolve) => server.close(resolve)); // nothing left open to wait for
});

events.run();
