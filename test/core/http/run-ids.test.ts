import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const ids = suite('HTTP API: a run named by the 8 characters the UI shows');

const finished = (ctx: ServerContext, runId: string) =>
  until(async () => {
    const { body } = await ctx.api('GET', `/api/runs/${runId}`);
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `run ${runId} to end`);

async function startRun(ctx: ServerContext, configuration: Record<string, unknown>) {
  const instance = await ctx.api('POST', '/api/instances', { experiment: 'kernel_fixture', name: `K ${Math.random()}`, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const run = await ctx.api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(run.status, 201, JSON.stringify(run.body));
  return { instanceId: instance.body.id as string, runId: run.body.id as string };
}

/** Reads an event stream until `found` says it has what it waits for. */
async function readEvents(url: string, found: (text: string) => boolean): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  let text = '';
  if (response.ok) {
    const decoder = new TextDecoder();
    const timer = setTimeout(() => controller.abort(), 30_000);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if (found(text)) break;
      }
    } catch {
      /* aborted: the caller's assertion says what was missing */
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  } else {
    text = await response.text();
  }
  return { status: response.status, text };
}

ids('GET run, logs, results and export, and POST rerun, take a unique 8-character prefix', async () => {
  await withServer(async (ctx) => {
    const { runId } = await startRun(ctx, { mode: 'complete', count: 3 });
    await finished(ctx, runId);
    const short = runId.slice(0, 8);
    const run = await ctx.api('GET', `/api/runs/${short}`);
    assert.equal([run.status, run.body.id, run.body.status], [200, runId, 'completed']);
    assert.is((await ctx.api('GET', `/api/runs/${short.toUpperCase()}`)).body.id, runId, 'any case');
    assert.is((await ctx.api('GET', `/api/runs/${runId.slice(0, 13)}`)).body.id, runId, 'a longer prefix, with its hyphen');
    const logs = await ctx.api('GET', `/api/runs/${short}/logs`);
    assert.equal([logs.status, logs.body.items.length], [200, 4]);
    const results = await ctx.api('GET', `/api/runs/${short}/results?view=latest`);
    assert.equal([results.status, results.body.items.length], [200, 3]);
    const exported = await ctx.api('GET', `/api/runs/${short}/export?format=json`);
    assert.equal([exported.status, exported.body.run.id, exported.body.logs.length], [200, runId, 4]);
    assert.match(exported.headers.get('content-disposition')!, `run-${runId}.json`);
    const csv = await fetch(`${ctx.base}/api/runs/${short}/export?format=csv&table=results`);
    assert.equal([csv.status, (await csv.text()).split('\r\n')[0]], [200, 'seq,recordedAt,key,value']);
    const again = await ctx.api('POST', `/api/runs/${short}/rerun`);
    assert.is(again.status, 201);
    assert.is((await finished(ctx, again.body.id)).instanceId, run.body.instanceId);
    const cancelFinished = await ctx.api('POST', `/api/runs/${short}/cancel`);
    assert.equal([cancelFinished.status, cancelFinished.body.changed], [200, false]);
  });
});

ids('the event stream follows a run named by its prefix; cancel takes the prefix too', async () => {
  await withServer(async (ctx) => {
    const { runId } = await startRun(ctx, { mode: 'cooperative' });
    const short = runId.slice(0, 8);
    await until(async () => (await ctx.api('GET', `/api/runs/${short}`)).body.status === 'running', 'the run to start');
    const stream = readEvents(`${ctx.base}/api/events?run=${short}`, (text) => text.includes('"status":"cancelled"'));
    await until(() => ctx.server.events.clientCount === 1, 'the stream to open');
    const cancelled = await ctx.api('POST', `/api/runs/${short}/cancel`);
    assert.equal([cancelled.status, cancelled.body.changed], [200, true]);
    const { status, text } = await stream;
    assert.is(status, 200);
    assert.match(text, 'event: run.status');
    assert.match(text, `"runId":"${runId}"`);
    assert.match(text, '"status":"cancelled"');
  });
});

ids('a prefix under 8 hex characters is a 400, one several runs share a 409 listing them, one no run has a 404', async () => {
  await withServer(async (ctx) => {
    const { instanceId, runId } = await startRun(ctx, { mode: 'complete', count: 1 });
    await finished(ctx, runId);
    const twins = ['abcdef12-0000-4000-8000-000000000001', 'abcdef12-0000-4000-8000-000000000002'];
    for (const id of twins) {
      await ctx.workbench.database.db.insertInto('runs').values({ id, instance_id: instanceId, status: 'completed', options: '{}', created_at: new Date() }).execute();
    }
    const paths = (id: string) => [
      ['GET', `/api/runs/${id}`],
      ['GET', `/api/runs/${id}/logs`],
      ['GET', `/api/runs/${id}/results`],
      ['GET', `/api/runs/${id}/export?format=json`],
      ['GET', `/api/runs/${id}/export?format=csv&table=logs`],
      ['POST', `/api/runs/${id}/cancel`],
      ['POST', `/api/runs/${id}/rerun`],
      ['GET', `/api/events?run=${id}`],
    ] as const;
    for (const [method, path] of paths(runId.slice(0, 6))) {
      const { status, body } = await ctx.api(method, path);
      assert.equal([status, body.code], [400, 'ERR_BAD_INPUT'], `${method} ${path}`);
      assert.is(body.error, `a run id prefix must have at least 8 hex characters (such as the 8 the workbench shows), got "${runId.slice(0, 6)}"`);
    }
    for (const [method, path] of paths('abcdef12')) {
      const { status, body } = await ctx.api(method, path);
      assert.equal([status, body.code, body.matches], [409, 'ERR_AMBIGUOUS_ID', twins], `${method} ${path}`);
      assert.is(body.error, `run id prefix abcdef12 matches 2 runs (${twins.join(', ')}): give more of the id`);
    }
    const unknown = runId.startsWith('0123abcd') ? '0123abce' : '0123abcd';
    for (const [method, path] of paths(unknown)) {
      const { status, body } = await ctx.api(method, path);
      assert.equal([status, body.code], [404, 'ERR_NOT_FOUND'], `${method} ${path}`);
      assert.is(body.error, `run ${unknown} not found: no run id starts with ${unknown}`);
    }
    // Nothing was started, cancelled or written by the refused requests.
    const listed = await ctx.api('GET', `/api/instances/${instanceId}/runs`);
    assert.equal(listed.body.items.map((r: { status: string }) => r.status), ['completed', 'completed', 'completed']);
  });
});

ids.run();
