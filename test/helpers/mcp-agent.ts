/**
 * An agent's session for the MCP tests: the SDK's own Client over a transport, with
 * `call` (a tool's JSON answer, or a failure naming the tool) and `refused` (a tool error's
 * body), and the full loop of issue 17 and its bad-input cases, run the same over stdio
 * and over HTTP.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as assert from 'uvu/assert';
import { athanorBin } from './athanor-command.ts';
import { tempProject, type TempProject } from './temp-project.ts';

export const AGENT = 'test-agent';

/** A temporary project for `athanor mcp`, an ES module project as `athanor init` makes. */
export async function mcpProject(): Promise<TempProject> {
  const project = await tempProject('athanor-mcp-');
  // Without "type": "module" tsx loads the experiments as CommonJS, whose cache keeps a
  // rewritten file's old code (the loader's reload query is ignored).
  await writeFile(join(project.root, 'package.json'), JSON.stringify({ name: 'mcp-project', private: true, type: 'module' }));
  return project;
}

/** The real `athanor mcp` in `project`, as an agent's client starts it (the SDK's stdio transport); its stderr collected. */
export async function spawnMcp(project: TempProject): Promise<{ transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [await athanorBin(), 'mcp', '--experiments', project.experimentsDir, '--db', project.pglite],
    cwd: project.root,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk) => (stderr += chunk));
  return { transport, stderr: () => stderr };
}

export interface Agent {
  client: Client;
  call(tool: string, args?: Record<string, unknown>): Promise<any>;
  /** Calls a tool that must fail; resolves with its error text (JSON parsed when it is JSON). */
  refused(tool: string, args?: Record<string, unknown>): Promise<any>;
  /** Resource URIs the server said were updated, in order. */
  updates: string[];
  close(): Promise<void>;
}

const text = (result: CallToolResult) => (result.content[0]?.type === 'text' ? result.content[0].text : '');
const parsed = (value: string) => {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

export async function connectAgent(transport: Transport): Promise<Agent> {
  const client = new Client({ name: AGENT, version: '1.0.0' });
  await client.connect(transport);
  const updates: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri));
  const invoke = async (tool: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name: tool, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
  return {
    client,
    updates,
    async call(tool, args) {
      const result = await invoke(tool, args);
      if (result.isError) assert.unreachable(`${tool} failed: ${text(result)}`);
      return parsed(text(result));
    },
    async refused(tool, args) {
      const result = await invoke(tool, args);
      if (!result.isError) assert.unreachable(`${tool} should have been refused, answered ${text(result).slice(0, 300)}`);
      return parsed(text(result));
    },
    close: () => client.close(),
  };
}

/** The experiment the agent writes: a loss that falls with `rate`; `scale` is what the edit changes. */
export function studySource(scale: number): string {
  return `import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('agent_study')
    .description('written by an agent')
    .configuration(ConfigSchema.new().field('rate', 'float', { default: 0.5, min: 0, max: 1 }).field('steps', 'integer', { default: 5, min: 1, max: 50 }));
}

export async function run(ctx: RunContext) {
  const config = Runtime.config(ctx) as { rate: number; steps: number };
  for (let i = 1; i <= config.steps; i++) {
    Runtime.log(ctx, i % 2 ? 'info' : 'warn', \`step \${i}\`);
    Runtime.result(ctx, 'loss', ${scale} / (i * (1 + config.rate)));
  }
  Runtime.result(ctx, 'summary', { steps: config.steps, scale: ${scale} });
}
`;
}

export const BROKEN_SOURCE = `import { Definition } from 'athanor';

export function experiment() {
  return Definition.new().name('agent_study')
}

export async function run(ctx) {
  const x = ;
}
`;

export interface LoopOutcome {
  firstRun: string;
  secondRun: string;
  instanceId: string;
}

/**
 * Issue 17's loop: list experiments, write a new experiment file, see it load (and fail to,
 * located), create an instance, start a run, wait for it, read its logs and results, edit
 * the source, re-run, compare the two runs.
 */
export async function agentLoop(agent: Agent): Promise<LoopOutcome> {
  const tools = (await agent.client.listTools()).tools.map((tool) => tool.name);
  for (const name of ['list_experiments', 'create_instance', 'start_run', 'wait_for_run', 'compare_runs', 'sweep', 'write_experiment_source']) {
    assert.ok(tools.includes(name), `tool ${name} is listed`);
  }
  const before = await agent.call('list_experiments');
  assert.ok(before.some((entry: { name: string }) => entry.name === 'my_experiment'));
  assert.not.ok(before.some((entry: { name: string }) => entry.name === 'agent_study'));

  const created = await agent.call('create_experiment', { file: 'agent_study.ts', source: studySource(1) });
  assert.equal([created.file, created.loaded, created.experiment], ['agent_study.ts', true, 'agent_study']);
  assert.equal(Object.keys(created.schema.properties).sort(), ['rate', 'steps']);

  const broken = await agent.call('write_experiment_source', { experiment: 'agent_study', source: BROKEN_SOURCE });
  assert.is(broken.loaded, false);
  assert.is(broken.error.code, 'ERR_SYNTAX');
  assert.is(broken.error.file, 'agent_study.ts');
  assert.is(broken.error.line, 8, 'the load error is located by line');
  const fixed = await agent.call('write_experiment_source', { experiment: 'agent_study', source: studySource(1) });
  assert.is(fixed.loaded, true);
  const schema = await agent.call('get_config_schema', { experiment: 'agent_study' });
  assert.is(schema.schema.properties.rate.maximum, 1);
  assert.equal(await agent.call('validate_configuration', { experiment: 'agent_study', configuration: { rate: 0.2 } }), { valid: true, configuration: { rate: 0.2, steps: 5 } });

  const instance = await agent.call('create_instance', { experiment: 'agent_study', name: 'first try', configuration: { rate: 0.25 } });
  assert.equal(instance.configuration, { rate: 0.25, steps: 5 });
  const run = await agent.call('start_run', { instanceId: instance.id });
  assert.ok(['pending', 'running'].includes(run.status), run.status);
  const waited = await agent.call('wait_for_run', { id: run.id, timeoutMs: 60_000 });
  assert.equal([waited.ended, waited.status, waited.error], [true, 'completed', null]);
  assert.is(waited.results.loss, 1 / (5 * 1.25));
  assert.equal(waited.results.summary, { steps: 5, scale: 1 });

  const page = await agent.call('get_run_logs', { runId: run.id, limit: 2 });
  assert.equal(page.items.map((entry: { message: string }) => entry.message), ['step 1', 'step 2']);
  assert.ok(page.next !== null, 'a full page says where the next starts');
  const rest = await agent.call('get_run_logs', { runId: run.id, after: Number(page.next) });
  assert.equal(rest.items.map((entry: { message: string }) => entry.message), ['step 3', 'step 4', 'step 5']);
  const warnings = await agent.call('get_run_logs', { runId: run.id.slice(0, 8), level: ['warn'] });
  assert.equal(warnings.items.map((entry: { message: string }) => entry.message), ['step 2', 'step 4']);

  const overview = await agent.call('list_results', { runId: run.id });
  assert.equal(Object.keys(overview.results), ['loss', 'summary']);
  const details = await agent.call('get_result_details', { runId: run.id, key: 'loss', limit: 2 });
  assert.is(details.items.length, 2);
  const series = await agent.call('get_result_series', { runId: run.id, key: 'loss', points: 3 });
  assert.is(series.total, 5);
  assert.ok(series.points.length <= 3 && series.points.length >= 2, JSON.stringify(series.points));
  const detail = await agent.call('get_run', { id: run.id });
  assert.is(detail.agent, AGENT, 'the run says an agent started it');
  assert.equal(detail.configuration, { rate: 0.25, steps: 5 });

  const edited = await agent.call('write_experiment_source', { experiment: 'agent_study', source: studySource(3) });
  assert.is(edited.loaded, true);
  const again = await agent.call('rerun_run', { id: run.id, code: 'current' });
  assert.is(again.rerunOf, run.id);
  const secondEnd = await agent.call('wait_for_run', { id: again.id, timeoutMs: 60_000 });
  assert.is(secondEnd.status, 'completed');
  assert.is(secondEnd.results.loss, 3 / (5 * 1.25));

  const comparison = await agent.call('compare_runs', { runs: [run.id, again.id.slice(0, 8)] });
  assert.equal(comparison.runs.map((r: { id: string }) => r.id), [run.id, again.id]);
  const loss = comparison.metrics.find((row: { key: string }) => row.key === 'loss');
  assert.equal(loss.values, [1 / (5 * 1.25), 3 / (5 * 1.25)]);
  assert.is(comparison.code.same, false);
  assert.match(comparison.code.diffs[0].files[0].diff, /\+\s+Runtime\.result\(ctx, 'loss', 3/);

  const resource = await agent.client.readResource({ uri: `athanor://runs/${again.id}` });
  const content = resource.contents[0] as { text: string };
  const described = JSON.parse(content.text);
  assert.equal([described.status, described.agent, described.results.loss], ['completed', AGENT, 3 / (5 * 1.25)]);
  const experiment = JSON.parse(((await agent.client.readResource({ uri: 'athanor://experiments/agent_study' })).contents[0] as { text: string }).text);
  assert.match(experiment.source, /Runtime\.result\(ctx, 'loss', 3 \//);
  assert.is(experiment.schema.properties.steps.default, 5);
  return { firstRun: run.id, secondRun: again.id, instanceId: instance.id };
}

/** Every kind of bad input: a tool error naming what was wrong, and nothing changed. */
export async function badInputs(agent: Agent, outcome: LoopOutcome): Promise<void> {
  const instances = (await agent.call('list_instances', {})).total;
  const missing = '00000000-0000-4000-8000-000000000000';

  assert.match((await agent.refused('start_run', { instanceId: missing })).error, `instance ${missing} not found`);
  assert.match((await agent.refused('get_run', { id: 'ffffffffffff' })).error, /no run|not found/);
  assert.match((await agent.refused('get_config_schema', { experiment: 'no_such' })).error, 'unknown experiment "no_such"');

  const invalid = await agent.refused('create_instance', { experiment: 'agent_study', name: 'bad', configuration: { rate: 5, steps: 0, extra: 1 } });
  assert.is(invalid.code, 'ERR_INVALID_CONFIG');
  const paths = invalid.errors.map((e: { path: string }) => e.path).sort();
  assert.equal(paths, ['extra', 'rate', 'steps']);
  assert.match(invalid.errors.find((e: { path: string }) => e.path === 'rate').message, 'above the maximum 1');
  const checked = await agent.call('validate_configuration', { experiment: 'agent_study', configuration: { rate: 5 } });
  assert.equal([checked.valid, checked.errors[0].path], [false, 'rate']);
  const update = await agent.refused('update_instance', { id: outcome.instanceId, configuration: { rate: -1 } });
  assert.equal(update.errors.map((e: { path: string }) => e.path), ['rate']);

  const outside = await agent.refused('create_experiment', { file: '../outside.ts' });
  assert.is(outside.code, 'ERR_BAD_PATH');
  assert.match(outside.error, /outside|\.\./);
  const absolute = await agent.refused('create_experiment', { file: '/tmp/evil.ts' });
  assert.is(absolute.code, 'ERR_BAD_PATH');
  assert.match((await agent.refused('read_experiment_source', { experiment: '../package' })).error, 'looks like a path');
  assert.match((await agent.refused('write_experiment_source', { experiment: 'no_such', source: 'x' })).error, 'no experiment named "no_such"');

  // Wrong arguments: refused by the tool's schema, naming the argument.
  assert.match(await agent.refused('start_run', { instanceId: 42 }), /instanceId/);
  assert.match(await agent.refused('get_run', { id: outcome.firstRun, verbose: true }), /verbose/);
  assert.match(await agent.refused('get_run_logs', { runId: outcome.firstRun, limit: 100_000 }), /limit/);
  assert.match(await agent.refused('compare_runs', { runs: [outcome.firstRun] }), /runs/);
  assert.match(await agent.refused('rerun_run', { id: outcome.firstRun, code: 'yesterday' }), /code/);
  assert.match((await agent.refused('get_result_details', { runId: outcome.firstRun, key: 'nope' })).error, 'no result with key "nope"');
  const unstorable = await agent.refused('create_instance', { experiment: 'agent_study', name: 'nul\u0000name' });
  assert.match(unstorable.error, /NUL/);

  const sweep = await agent.refused('sweep', { experiment: 'agent_study', name: 'grid', grid: { rate: [0.1, 7] } });
  assert.is(sweep.code, 'ERR_INVALID_CONFIG');
  assert.match(sweep.errors[0].message, /7 is above the maximum 1/);
  assert.is((await agent.call('list_instances', {})).total, instances, 'nothing was created by bad input');
}
