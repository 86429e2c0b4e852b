// The run pool's notices: what a worker sends and a workbench reads back, within Postgres' payload limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCancelNotice, decodeRunNotice, encodeRunNotice, type RunNotice } from '../../../core/worker/run-notifications.ts';

const ids = { node: 'host:1:ab', runId: '0b6c3c1e-0000-4000-8000-000000000001', instanceId: '0b6c3c1e-0000-4000-8000-000000000002' };

test('each notice survives the round trip', () => {
  const notices: RunNotice[] = [
    { t: 'status', ...ids },
    { t: 'logs', ...ids, first: 1, last: 5000 },
    { t: 'results', ...ids, first: 7, last: 7 },
    { t: 'progress', ...ids, progress: { current: 3, total: 10, message: 'step 3' } },
  ];
  for (const notice of notices) assert.equal(decodeRunNotice(encodeRunNotice(notice)), notice);
});

test('a long progress message is cut so the payload stays far below 8,000 bytes', () => {
  const payload = encodeRunNotice({ t: 'progress', ...ids, progress: { current: 1, total: 2, message: 'é'.repeat(100_000) } });
  assert.ok(Buffer.byteLength(payload) < 2000, `${Buffer.byteLength(payload)} bytes`);
  assert.ok((decodeRunNotice(payload) as { progress: { message: string } }).progress.message.endsWith('…'));
});

test('payloads this version did not write are ignored, not thrown', () => {
  for (const payload of [undefined, '', 'not json', '{}', '{"t":"logs","runId":"x","instanceId":"y","node":"n","first":"1","last":2}', '{"t":"other","runId":"x","instanceId":"y","node":"n"}']) {
    assert.is(decodeRunNotice(payload), undefined, String(payload));
  }
  assert.equal(decodeCancelNotice('{"runId":"r","reason":"by request"}'), { runId: 'r', reason: 'by request' });
  assert.is(decodeCancelNotice('{"runId":1}'), undefined);
});

test.run();
