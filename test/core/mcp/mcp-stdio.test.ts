/**
 * `athanor mcp` as an agent's client starts it: the real command (bin/athanor.js) spawned
 * by the SDK's StdioClientTransport in a temporary project. Alone, it opens the project's
 * embedded database itself and serves the whole loop over stdio (beside `athanor dev`:
 * mcp-stdio.handoff.test.ts).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExperimentsService } from '../../../core/experiments-service.ts';
import { openDatabase } from '../../../storage/open-database.ts';
import { AGENT, agentLoop, badInputs, connectAgent, mcpProject, spawnMcp } from '../../helpers/mcp-agent.ts';
import type { TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';

const stdio = suite('athanor mcp over stdio');
let project: TempProject;

stdio.before.each(async () => {
  project = await mcpProject();
});
stdio.after.each(async () => {
  await project.remove();
});

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

stdio('alone, it opens the project\'s workbench and serves the whole loop; the record stays in its database', async () => {
  const { transport, stderr } = await spawnMcp(project);
  const agent = await connectAgent(transport);
  const pid = transport.pid!;
  try {
    assert.match(stderr(), /athanor mcp: serving .*experiments \(2 experiments, database pglite\) over stdio/);
    const outcome = await agentLoop(agent);
    await badInputs(agent, outcome);
  } finally {
    await agent.close();
  }
  await until(() => gone(pid), 'athanor mcp to exit once its client closed', 30_000);
  await using database = await openDatabase(project.pglite);
  const service = createExperimentsService({ database, definitions: () => undefined });
  const { items } = await service.listAgentActions({ limit: 500 });
  assert.ok(items.some((action) => action.tool === 'rerun_run' && action.outcome === 'ok' && action.client === AGENT), 'the record was kept');
});

stdio.run();
