import { request } from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tokensEqual } from '../../../core/http/request-guard.ts';
import { withServer } from '../../helpers/http-workbench.ts';

const security = suite('HTTP API: security');

/** A raw request, so the Host header can be anything. */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

security('a foreign Host header is refused (DNS rebinding)', async () => {
  await withServer(async ({ server }) => {
    const evil = await raw(server.port, { path: '/api/instances', headers: { host: `evil.example:${server.port}` } });
    assert.is(evil.status, 403);
    assert.match(evil.body, 'ERR_FORBIDDEN_HOST');
    assert.is((await raw(server.port, { path: '/api/instances', headers: { host: `localhost:${server.port}` } })).status, 200);
  });
});

security('a state-changing request from a foreign Origin is refused and changes nothing', async () => {
  await withServer(async ({ server, api }) => {
    const body = JSON.stringify({ experiment: 'my_experiment', name: 'csrf' });
    const evil = await raw(server.port, {
      method: 'POST', path: '/api/instances', body,
      headers: { host: `127.0.0.1:${server.port}`, origin: 'https://evil.example', 'content-type': 'application/json' },
    });
    assert.is(evil.status, 403);
    assert.equal((await api('GET', '/api/instances')).body, []);
    const same = await raw(server.port, {
      method: 'POST', path: '/api/instances', body,
      headers: { host: `127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}`, 'content-type': 'application/json' },
    });
    assert.is(same.status, 201);
  });
});

security('source paths with encoded ../ are refused and write nothing', async () => {
  await withServer(async ({ api }) => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E%2Fmy_experiment', '..']) {
      const response = await api('PUT', `/api/experiments/${name}/source`, { source: 'export {}' });
      assert.ok([400, 404].includes(response.status), `${name} → ${response.status}`);
    }
    const created = await api('POST', '/api/experiments', { file: '../outside.ts' });
    assert.is(created.status, 400);
  });
});

security('off loopback a token is required, compared in constant time, and the URL sets a cookie', async () => {
  await withServer(async ({ server }) => {
    const host = { host: `127.0.0.1:${server.port}` };
    assert.match(server.url, '?token=s3cret-token');
    assert.is((await raw(server.port, { path: '/api/instances', headers: host })).status, 401);
    assert.is((await raw(server.port, { path: '/api/instances', headers: { ...host, authorization: 'Bearer wrong' } })).status, 401);
    assert.is((await raw(server.port, { path: '/api/instances', headers: { ...host, authorization: 'Bearer s3cret-token' } })).status, 200);
    const viaUrl = await raw(server.port, { path: '/?token=s3cret-token', headers: host });
    assert.is(viaUrl.status, 200);
    const cookie = String(viaUrl.headers['set-cookie']).split(';')[0]!;
    assert.is((await raw(server.port, { path: '/api/instances', headers: { ...host, cookie } })).status, 200);
  }, { server: { host: '0.0.0.0', token: 's3cret-token' } });
});

security('token comparison does not depend on where the first difference is', () => {
  const expected = 'a'.repeat(64);
  const time = (given: string) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 5_000; i++) tokensEqual(given, expected);
    return Number(process.hrtime.bigint() - started);
  };
  const early: number[] = [];
  const late: number[] = [];
  // Interleaved rounds and medians, so machine load hits both sides alike.
  for (let round = 0; round < 15; round++) {
    early.push(time('b' + 'a'.repeat(63)));
    late.push(time('a'.repeat(63) + 'b'));
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const [e, l] = [median(early), median(late)];
  assert.ok(Math.max(e, l) / Math.min(e, l) < 2, `${e} vs ${l}`);
  assert.ok(!tokensEqual('short', expected));
  assert.ok(tokensEqual(expected, expected));
});

security('errors never carry a stack; HTML carries a Content-Security-Policy', async () => {
  await withServer(async ({ api, server }) => {
    const page = await raw(server.port, { path: '/', headers: { host: `127.0.0.1:${server.port}` } });
    assert.match(String(page.headers['content-security-policy']), "default-src 'self'");
    const error = await api('GET', '/api/runs/00000000-0000-4000-8000-000000000000');
    assert.equal(Object.keys(error.body).sort(), ['code', 'error']);
    assert.not.match(JSON.stringify(error.body), '/work/');
  });
});

security.run();
