import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rawRequest as raw, withServer } from '../../helpers/http-workbench.ts';

const token = suite('HTTP API: the access token off loopback');
const TOKEN = 's3cret-token';
const offLoopback = { server: { host: '0.0.0.0', token: TOKEN } };
/** What a browser sends when it asks for a page. */
const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

token('a stale cookie — another port’s, or this port’s from before a restart — does not hide the right URL token', async () => {
  await withServer(async ({ server }) => {
    const host = `127.0.0.1:${server.port}`;
    // Browsers send a host's cookies to all its ports: the old name carried another workbench's token.
    const stale = `athanor_token=another-workbench; athanor_token_${server.port}=before-the-restart`;
    const api = await raw(server.port, { path: `/api/instances?token=${TOKEN}`, headers: { host, cookie: stale } });
    assert.is(api.status, 200, api.body);
    const page = await raw(server.port, { path: `/experiments?token=${TOKEN}`, headers: { host, cookie: stale, ...PAGE } });
    assert.is(page.status, 302, page.body);
    assert.match(String(page.headers['set-cookie']), `athanor_token_${server.port}=${TOKEN};`);
    // A wrong URL token is still refused, whatever else comes with it.
    assert.is((await raw(server.port, { path: '/api/instances?token=wrong', headers: { host, cookie: stale } })).status, 401);
  }, offLoopback);
});

token('the cookie is named after the port, so workbenches on other ports keep their own', async () => {
  await withServer(async ({ server }) => {
    const host = `127.0.0.1:${server.port}`;
    const opened = await raw(server.port, { path: `/?token=${TOKEN}`, headers: { host } });
    const cookie = String(opened.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^athanor_token_${server.port}=${TOKEN}; HttpOnly; SameSite=Lax; Path=/$`));
    assert.is((await raw(server.port, { path: '/api/instances', headers: { host, cookie: cookie.split(';')[0]! } })).status, 200);
    const otherPort = `athanor_token_${server.port + 1}=${TOKEN}`;
    assert.is((await raw(server.port, { path: '/api/instances', headers: { host, cookie: otherPort } })).status, 401, 'another port’s cookie');
    assert.is((await raw(server.port, { path: '/api/instances', headers: { host, cookie: `athanor_token=${TOKEN}` } })).status, 401, 'the old, port-less name');
  }, offLoopback);
});

token('a page opened with ?token= is redirected to its address without it, with the cookie set', async () => {
  await withServer(async ({ server }) => {
    const host = `127.0.0.1:${server.port}`;
    const opened = await raw(server.port, { path: `/runs/abc?tab=logs&token=${TOKEN}`, headers: { host, ...PAGE } });
    assert.is(opened.status, 302);
    assert.is(opened.headers.location, '/runs/abc?tab=logs');
    assert.is(opened.headers['cache-control'], 'no-store');
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    const followed = await raw(server.port, { path: '/runs/abc?tab=logs', headers: { host, cookie, ...PAGE } });
    assert.is(followed.status, 200);
    assert.match(followed.body, '<html');
    // The printed URL, and one that tries to name another host: the redirect stays here.
    for (const [path, location] of [[`/?token=${TOKEN}`, '/'], [`//evil.example/?token=${TOKEN}`, '/'], [`/%2F%2Fevil.example?token=${TOKEN}`, '/%2F%2Fevil.example']]) {
      const answer = await raw(server.port, { path: path!, headers: { host, ...PAGE } });
      assert.is(answer.headers.location, location, path);
    }
    // Not a page: the API and scripts answer at once (and set the cookie), as before.
    const api = await raw(server.port, { path: `/api/instances?token=${TOKEN}`, headers: { host, ...PAGE } });
    assert.is(api.status, 200);
    assert.match(String(api.headers['set-cookie']), `athanor_token_${server.port}=`);
    assert.is((await raw(server.port, { path: `/index.ts?token=${TOKEN}`, headers: { host, accept: '*/*' } })).status, 200);
    // A page refused shows a page saying what to do, not the API's JSON (user test); a wrong token is told apart from none.
    const wrongPage = await raw(server.port, { path: `/?token=wrong`, headers: { host, ...PAGE } });
    assert.is(wrongPage.status, 401);
    assert.match(String(wrongPage.headers['content-type']), 'text/html');
    assert.match(wrongPage.body.replaceAll('&#39;', "'"), "The access token given is not this workbench's: open the URL it printed at start");
    const noTokenPage = await raw(server.port, { path: '/experiments', headers: { host, ...PAGE } });
    assert.equal([noTokenPage.status, noTokenPage.headers['content-security-policy'] !== undefined], [401, true]);
    assert.match(noTokenPage.body, '<h1>This workbench needs its access token</h1>');
    const noTokenApi = await raw(server.port, { path: '/api/instances', headers: { host, ...PAGE } });
    assert.equal(JSON.parse(noTokenApi.body), {
      error: 'this workbench needs its access token: open the URL it printed at start (an API client sends it as "Authorization: Bearer <token>")',
      code: 'ERR_TOKEN',
    });
    const wrongBearer = await raw(server.port, { path: '/api/instances', headers: { host, authorization: 'Bearer nope' } });
    assert.match(JSON.parse(wrongBearer.body).error, "the access token given is not this workbench's");
  }, offLoopback);
});

token('a malformed cookie is no token: 401 off loopback, ignored on loopback — never a 500', async () => {
  await withServer(async ({ server }) => {
    const host = `127.0.0.1:${server.port}`;
    const cookie = `athanor_token=%E0%A4%A; athanor_token_${server.port}=%E0%A4%A`;
    const refused = await raw(server.port, { path: '/api/instances', headers: { host, cookie } });
    assert.is(refused.status, 401, refused.body);
    assert.is(JSON.parse(refused.body).code, 'ERR_TOKEN');
    const withBearer = await raw(server.port, { path: '/api/instances', headers: { host, cookie, authorization: `Bearer ${TOKEN}` } });
    assert.is(withBearer.status, 200, withBearer.body);
  }, offLoopback);
  await withServer(async ({ server }) => {
    const cookie = `athanor_token=%E0%A4%A; athanor_token_${server.port}=%E0%A4%A`;
    const page = await raw(server.port, { path: '/api/instances', headers: { host: `127.0.0.1:${server.port}`, cookie } });
    assert.is(page.status, 200, page.body);
  });
});

token('any valid token lets in: a lowercase bearer scheme, or the right cookie after a wrong one of the same name', async () => {
  await withServer(async ({ server }) => {
    const host = `127.0.0.1:${server.port}`;
    const lower = await raw(server.port, { path: '/api/instances', headers: { host, authorization: `bearer ${TOKEN}` } });
    assert.is(lower.status, 200, lower.body);
    const cookie = `athanor_token_${server.port}=stale; athanor_token_${server.port}=${TOKEN}`;
    const second = await raw(server.port, { path: '/api/instances', headers: { host, cookie } });
    assert.is(second.status, 200, second.body);
    const wrong = await raw(server.port, { path: '/api/instances', headers: { host, authorization: 'bearer nope' } });
    assert.is(wrong.status, 401);
  }, offLoopback);
});

token('bound to :: as to 0.0.0.0, the UI opened by the machine’s address may write', async () => {
  for (const bound of ['0.0.0.0', '::']) {
    await withServer(async ({ server, api }) => {
      const at = `192.0.2.7:${server.port}`;
      const created = await raw(server.port, {
        method: 'POST',
        path: '/api/instances',
        body: JSON.stringify({ experiment: 'my_experiment', name: `written on ${bound}` }),
        headers: { host: at, origin: `http://${at}`, 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'sec-fetch-site': 'same-origin' },
      });
      assert.is(created.status, 201, `${bound}: ${created.body}`);
      const foreign = await raw(server.port, {
        method: 'POST',
        path: '/api/instances',
        body: JSON.stringify({ experiment: 'my_experiment', name: 'csrf' }),
        headers: { host: at, origin: 'http://evil.example', 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      });
      assert.is(foreign.status, 403, bound);
      const names = (await api('GET', '/api/instances', undefined, { authorization: `Bearer ${TOKEN}` })).body.map((i: { name: string }) => i.name);
      assert.equal(names, [`written on ${bound}`]);
    }, { server: { host: bound, token: TOKEN } });
  }
});

token.run();
