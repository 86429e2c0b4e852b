import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer } from '../../helpers/http-workbench.ts';

const cors = suite('HTTP API: origins allowed to embed the elements (--allow-origin)');
const DASH = 'https://dash.example.com';

cors('a preflight from an allowed origin gets the CORS headers and nothing else', async () => {
  await withServer(
    async ({ base }) => {
      const response = await fetch(`${base}/api/instances`, {
        method: 'OPTIONS',
        headers: { origin: DASH, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      assert.is(response.status, 204);
      assert.is(response.headers.get('access-control-allow-origin'), DASH);
      assert.is(response.headers.get('access-control-allow-credentials'), 'true');
      assert.match(response.headers.get('access-control-allow-methods') ?? '', 'POST');
    },
    { server: { allowedOrigins: [DASH] } },
  );
});

cors('an allowed origin may read and write; any other origin is still refused and gets no CORS headers', async () => {
  await withServer(
    async ({ api }) => {
      const created = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'from the dashboard' }, { origin: DASH });
      assert.is(created.status, 201);
      assert.is(created.headers.get('access-control-allow-origin'), DASH);
      const listed = await api('GET', '/api/instances', undefined, { origin: DASH });
      assert.is(listed.headers.get('access-control-allow-origin'), DASH);

      const evil = await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'csrf' }, { origin: 'https://evil.example' });
      assert.is(evil.status, 403);
      assert.is(evil.headers.get('access-control-allow-origin'), null);
      const read = await api('GET', '/api/instances', undefined, { origin: 'https://evil.example' });
      assert.is(read.headers.get('access-control-allow-origin'), null, 'a page of another origin cannot read the response');
      assert.equal((await api('GET', '/api/instances')).body.map((i: { name: string }) => i.name), ['from the dashboard']);
    },
    { server: { allowedOrigins: [DASH] } },
  );
});

cors('without --allow-origin no origin gets CORS headers', async () => {
  await withServer(async ({ base }) => {
    const response = await fetch(`${base}/api/instances`, { headers: { origin: DASH } });
    assert.is(response.status, 200);
    assert.is(response.headers.get('access-control-allow-origin'), null);
  });
});

cors.run();
