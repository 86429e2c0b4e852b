/**
 * `athanor mcp` beside `athanor dev` on the same embedded database: the session is passed
 * to the workbench's `/mcp` (as `athanor run` hands it runs), so the runs and the agents'
 * record are the open workbench's, with the agent's own client name.
 */
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AGENT, connectAgent } from '../../helpers/mcp-agent.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { startWorkbenchProcess } from '../../helpers/workbench-process.ts';

const BIN = fileURLToPath(new URL('../../../bin/athanor.js', import.meta.url));
const stdio = suite('athanor mcp beside athanor dev');
let project: TempProject;

stdio.before.each(async () => {
  project = await tempProject('athanor-mcp-');
  // An ES module project, as `athanor init` makes: without it tsx loads the experiments as
  // CommonJS, whose cache keeps a rewritten file's old code (the loader's reload query is ignored).
  await writeFile(join(project.root, 'package.json'), JSON.stringify({ name: 'mcp-project', private: true, type: 'module' }));
});
stdio.after.each(async () => {
  await project.remove();
});

function spawnMcp(): { transport: StdioClientTransport; stderr: () => string } {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--experiments', project.experimentsDir, '--db', project.pglite],
    cwd: project.root,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk) => (stderr += chunk));
  return { transport, stderr: () => stderr };
}

stdio('beside athanor dev, the session goes to the workbench\'s /mcp: the run and the record are the workbench\'s', async () => {
  const workbench = await startWorkbenchProcess(['--experiments', project.experimentsDir, '--db', project.pglite]);
  try {
    const { transport, stderr } = spawnMcp();
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
