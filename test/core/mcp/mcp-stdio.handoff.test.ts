/**
 * `athanor mcp` beside `athanor dev` on the same embedded database: the session is passed
 * to the workbench's `/mcp` (as `athanor run` hands it runs), so the runs and the agents'
 * record are the open workbench's, with the agent's own client name.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AGENT, connectAgent, mcpProject, spawnMcp } from '../../helpers/mcp-agent.ts';
import type { TempProject } from '../../helpers/temp-project.ts';
import { startWorkbenchProcess } from '../../helpers/workbench-process.ts';

const stdio = suite('athanor mcp beside athanor dev');
let project: TempProject;

stdio.before.each(async () => {
  project = await mcpProject();
});
stdio.after.each(async () => {
  await project.remove();
});

stdio('beside athanor dev, the session goes to the workbench\'s /mcp: the run and the record are the workbench\'s', async () => {
  const workbench = await startWorkbenchProcess(['--experiments', project.experimentsDir, '--db', project.pglite]);
  try {
    const { transport, stderr } = await spawnMcp(project);
    const agent = await connectAgent(transport);
    try {
      assert.match(stderr(), `is held by the workbench at ${workbench.url} (process ${workbench.child.pid}): serving its /mcp over stdio`);
      const experiments = await agent.call('list_experiments');
      assert.equal(experiments.map((entry: { name: string }) => entry.name), ['kernel_fixture', 'my_experiment']);
      const instance = await agent.call('create_instance', { experiment: 'my_experiment', name: 'bridged', configuration: { iterations: 2 } });
      const run = await agent.call('start_run', { instanceId: instance.id });
      const ended = await agent.call('wait_for_run', { id: run.id, timeoutMs: 60_000 });
      assert.equal([ended.status, Object.keys(ended.results)], ['completed', ['iteration_1', 'iteration_2']]);
      const seen = await workbench.api('GET', `/api/runs/${run.id}`);
      assert.equal([seen.status, seen.agent], ['completed', AGENT]);
      const invalid = await agent.refused('create_instance', { experiment: 'my_experiment', name: 'bad', configuration: { iterations: 1000 } });
      assert.equal(invalid.errors, [{ path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100' }]);
    } finally {
      await agent.close();
    }
  } finally {
    workbench.child.kill('SIGTERM');
    await workbench.exited;
  }
});

stdio.run();
