/**
 * An agent at `/mcp` on a real workbench server (streamable HTTP, the SDK's client): the
 * whole loop of issue 17, every bad input, run updates as resource notifications, the
 * agents' record, and the same guard as `/api` (Host, Origin, token).
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rawRequest, withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { AGENT, agentLoop, badInputs, connectAgent } from '../../helpers/mcp-agent.ts';
import { until } from '../../helpers/until.ts';

const mcp = suite('MCP over streamable HTTP at /mcp');

const connect = (context: ServerContext, headers: Record<string, string> = {}) =>
  connectAgent(new StreamableHTTPClientTransport(new URL(`${context.base}/mcp`), { requestInit: { headers } }));

mcp('an agent runs the whole loop, bad input changes nothing, and what it did is recorded', async () => {
  await withServer(async (context) => {
    const agent = await connect(context);
    try {
      const outcome = await agentLoop(agent);
      await badInputs(agent, outcome);
      const { items } = await context.workbench.experiments.listAgentActions({ limit: 100 });
      const tools = items.map((action) => action.tool).reverse();
      for (const tool of ['create_experiment', 'write_experiment_source', 'create_instance', 'start_run', 'rerun_run']) assert.ok(tools.includes(tool), tool);
      assert.not.ok(tools.includes('list_experiments'), 'reads are not recorded');
      assert.ok(items.every((action) => action.client === AGENT));
      const start = items.find((action) => action.tool === 'start_run' && action.outcome === 'ok')!;
      assert.equal(start.arguments, { instanceId: outcome.instanceId });
      assert.match(start.detail, `run ${outcome.firstRun}`);
      const refused = items.find((action) => action.tool === 'create_instance' && action.arguments.name === 'bad')!;
      assert.is(refused.outcome, 'error');
      assert.match(refused.detail, /invalid configuration/);
      // The workbench's list of them: newest first, paged, bad paging refused naming it.
      const page = await context.api('GET', '/api/agent-actions?limit=2');
      assert.is(page.status, 200);
      assert.equal(page.body.items.map((a: { id: string }) => a.id), items.slice(0, 2).map((a) => a.id));
      const next = await context.api('GET', `/api/agent-actions?limit=2&cursor=${page.body.next}`);
      assert.equal(next.body.items.map((a: { id: string }) => a.id), items.slice(2, 4).map((a) => a.id));
      const bad = await context.api('GET', '/api/agent-actions?limit=0');
      assert.equal([bad.status, bad.body.error], [400, 'limit must be a whole number from 1 to 500, got 0']);
    } finally {
      await agent.close();
    }
  });
});

mcp('a subscribed run sends updates while it changes; wait_for_run returns on timeout; cancel ends it', async () => {
  await withServer(async (context) => {
    const agent = await connect(context);
    try {
      const instance = await agent.call('create_instance', { experiment: 'kernel_fixture', name: 'slow', configuration: { mode: 'progress', count: 3000, delay_ms: 20 } });
      const run = await agent.call('start_run', { instanceId: instance.id });
      const uri = `athanor://runs/${run.id}`;
      await agent.client.subscribeResource({ uri });
      await until(() => agent.updates.includes(uri), 'an update of the subscribed run', 30_000);
      const waited = await agent.call('wait_for_run', { id: run.id, timeoutMs: 100 });
      assert.equal([waited.ended, waited.status], [false, 'running']);
      const cancelled = await agent.call('cancel_run', { id: run.id });
      assert.is(cancelled.changed, true);
      const ended = await agent.call('wait_for_run', { id: run.id, timeoutMs: 60_000 });
      assert.equal([ended.ended, ended.status], [true, 'cancelled']);
      assert.match(((await agent.client.subscribeResource({ uri: 'athanor://runs/ffffffff' }).catch((error: Error) => error)) as Error).message, /not found|no run/);
    } finally {
      await agent.close();
    }
  });
});

mcp('/mcp is guarded as /api is: a foreign Host or Origin is refused, off loopback the token is needed', async () => {
  await withServer(async (context) => {
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const host = await rawRequest(context.server.port, { method: 'POST', path: '/mcp', headers: { ...headers, host: 'evil.example:80' }, body: init });
    assert.is(host.status, 403);
    const origin = await rawRequest(context.server.port, { method: 'POST', path: '/mcp', headers: { ...headers, host: `127.0.0.1:${context.server.port}`, origin: 'https://evil.example' }, body: init });
    assert.is(origin.status, 403);
    const noSession = await rawRequest(context.server.port, { method: 'POST', path: '/mcp', headers: { ...headers, host: `127.0.0.1:${context.server.port}` }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.is(noSession.status, 400);
    assert.match(noSession.body, 'initialize');
  });
  await withServer(async (context) => {
    const refused = await connect(context).catch((error: Error) => error);
    assert.instance(refused, Error);
    assert.match((refused as Error).message, /401|token/);
    const agent = await connect(context, { authorization: 'Bearer s3cret' });
    assert.ok((await agent.call('list_experiments')).length >= 2);
    await agent.close();
  }, { server: { token: 's3cret' } });
});

const BIG_VALUES = `import { Definition, Runtime, type RunContext } from 'athanor';

export const experiment = () => Definition.new().name('big_values');

export async function run(ctx: RunContext) {
  for (let i = 1; i <= 5; i++) Runtime.log(ctx, 'info', \`line \${i}\`);
  Runtime.log(ctx, 'error', 'x'.repeat(200_000));
  Runtime.result(ctx, 'blob', { data: 'y'.repeat(300_000) });
}
`;

mcp('answers stay small (long values cut, saying so) and page as their descriptions say; a new file that does not load shows no schema', async () => {
  await withServer(async (context) => {
    const agent = await connect(context);
    try {
      // Created with its own source, broken: nothing of the template is shown for it.
      const broken = await agent.call('create_experiment', { file: 'never_loaded.ts', source: 'export const x = ;\n' });
      assert.is(broken.loaded, false);
      // (Written from the template first, it was listed as "never_loaded" with the template's fields.)
      const listed = (await agent.call('list_experiments')).filter((e: { file: string; name: string }) => /never_loaded/.test(`${e.file} ${e.name}`));
      assert.ok(listed.every((e: { schema?: unknown }) => !e.schema), `no schema for a file that never loaded: ${JSON.stringify(listed)}`);

      const created = await agent.call('create_experiment', { file: 'big_values.ts', source: BIG_VALUES });
      assert.is(created.loaded, true, JSON.stringify(created));
      const instance = await agent.call('create_instance', { experiment: 'big_values', name: 'big' });
      const run = await agent.call('start_run', { instanceId: instance.id });
      const ended = await agent.client.callTool({ name: 'wait_for_run', arguments: { id: run.id, timeoutMs: 60_000 } });
      const endedText = (ended.content as { text: string }[])[0]!.text;
      assert.ok(endedText.length < 20_000, `wait_for_run answered ${endedText.length} characters`);
      assert.match(endedText, '[cut: ');
      const details = await agent.call('get_result_details', { runId: run.id, key: 'blob' });
      assert.match(details.items[0].value, /… \[cut: \d+ characters in all\]$/);
      // Logs page with the `next` they answer, given back as `after`; one level as a string.
      const first = await agent.call('get_run_logs', { runId: run.id, limit: 2 });
      assert.type(first.next, 'number');
      const second = await agent.call('get_run_logs', { runId: run.id, limit: 2, after: first.next });
      assert.ok(second.items[0].seq > first.items[1].seq);
      const errors = await agent.call('get_run_logs', { runId: run.id, level: 'error' });
      assert.is(errors.items.length, 1);
      assert.ok(errors.items[0].message.length < 5_000, 'a 200,000-character line is cut');
    } finally {
      await agent.close();
    }
  });
});

mcp.run();
