import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tokensEqual } from '../../../core/http/request-guard.ts';
import { rawRequest as raw, withServer } from '../../helpers/http-workbench.ts';

const security = suite('HTTP API: security');

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

/** Fetch metadata a browser sends for a request made by a page of `site` (see request-guard.ts). */
const fetchedBy = (site: string, mode: string, dest: string) => ({ 'sec-fetch-site': site, 'sec-fetch-mode': mode, 'sec-fetch-dest': dest });

security('another site, or another port of this machine, may link to the pages and fetch nothing, on every path', async () => {
  await withServer(async ({ server }) => {
    const host = { host: `127.0.0.1:${server.port}` };
    const refused = [
      // the API, read by a script (the browser would not let it read the answer; it gets none)
      { path: '/api/instances', headers: fetchedBy('same-site', 'cors', 'empty') },
      // Vite's dev paths: the editor through an <img>, a file through fetch() or a script
      { path: '/__open-in-editor?file=/etc/passwd', headers: fetchedBy('same-site', 'no-cors', 'image') },
      { path: '/__open-in-editor?file=/etc/passwd', headers: fetchedBy('cross-site', 'no-cors', 'image') },
      { path: '/@fs/etc/passwd?raw', headers: fetchedBy('cross-site', 'cors', 'empty') },
      { path: '/@id/lit', headers: fetchedBy('same-site', 'cors', 'script') },
      // ...and not even by a link
      { path: '/@fs/etc/passwd?raw', headers: fetchedBy('cross-site', 'navigate', 'document') },
      { path: '/__open-in-editor?file=/etc/passwd', headers: fetchedBy('same-site', 'navigate', 'document') },
      // a page in an <object>, a form posted from elsewhere
      { path: '/experiments', headers: fetchedBy('cross-site', 'navigate', 'object') },
      { path: '/api/instances', method: 'POST', headers: fetchedBy('cross-site', 'navigate', 'document') },
    ];
    for (const request of refused) {
      const answer = await raw(server.port, { ...request, headers: { ...host, ...request.headers } });
      assert.is(answer.status, 403, `${request.method ?? 'GET'} ${request.path} ${JSON.stringify(request.headers)}`);
      assert.match(answer.body, 'ERR_FORBIDDEN_ORIGIN');
    }
    const allowed = [
      { path: '/experiments', headers: fetchedBy('cross-site', 'navigate', 'document') }, // a link from elsewhere
      { path: '/embed.html', headers: fetchedBy('same-site', 'navigate', 'iframe') },
      { path: '/api/instances', headers: fetchedBy('same-origin', 'cors', 'empty') }, // the UI itself
      { path: '/', headers: fetchedBy('none', 'navigate', 'document') }, // the address bar
      { path: '/api/instances', headers: {} }, // curl, the CLI
    ];
    for (const request of allowed) {
      const answer = await raw(server.port, { ...request, headers: { ...host, ...request.headers } });
      assert.is(answer.status, 200, `${request.path} ${JSON.stringify(request.headers)}`);
    }
  });
});

security('pages named with --allow-origin still load the elements and call the API across sites', async () => {
  const dash = 'https://dash.example.com';
  await withServer(
    async ({ server }) => {
      const headers = { host: `127.0.0.1:${server.port}`, origin: dash };
      for (const [path, dest] of [['/athanor-ui.js', 'script'], ['/api/instances', 'empty']] as const) {
        const answer = await raw(server.port, { path, headers: { ...headers, ...fetchedBy('cross-site', 'cors', dest) } });
        assert.not.equal(answer.status, 403, path);
        assert.is(answer.headers['access-control-allow-origin'], dash, path);
      }
      const other = await raw(server.port, { path: '/athanor-ui.js', headers: { ...headers, origin: 'https://evil.example', ...fetchedBy('cross-site', 'cors', 'script') } });
      assert.is(other.status, 403);
    },
    { server: { allowedOrigins: [dash] } },
  );
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
    for (let i = 0; i < 2_000; i++) tokensEqual(given, expected);
    return Number(process.hrtime.bigint() - started);
  };
  // Interleaved rounds, compared by their fastest: load only ever adds time, so the
  // minimum of many rounds is each side's own cost. A whole attempt can still sit in a
  // load burst (CI ran 3 suites on 2 cores and saw one side 4 × slower throughout), so
  // it is tried again: a comparison that leaks where the difference is fails every time.
  const attempt = () => {
    const early: number[] = [];
    const late: number[] = [];
    for (let round = 0; round < 40; round++) {
      early.push(time('b' + 'a'.repeat(63)));
      late.push(time('a'.repeat(63) + 'b'));
    }
    const [e, l] = [Math.min(...early), Math.min(...late)];
    return { ratio: Math.max(e, l) / Math.min(e, l), e, l };
  };
  const attempts = [attempt()];
  while (attempts.at(-1)!.ratio >= 2 && attempts.length < 5) attempts.push(attempt());
  assert.ok(attempts.at(-1)!.ratio < 2, attempts.map(({ e, l }) => `${e} vs ${l}`).join('; '));
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
