/**
 * `athanor mcp` as an agent's client starts it: the real command (bin/athanor.js) spawned
 * by the SDK's StdioClientTransport in a temporary project. Alone, it opens the project's
 * embedded database itself and serves the whole loop over stdio (beside `athanor dev`:
 * mcp-stdio.handoff.test.ts).
 */
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExperimentsService } from '../../../core/experiments-service.ts';
import { openDatabase } from '../../../storage/open-database.ts';
import { AGENT, agentLoop, badInputs, connectAgent } from '../../helpers/mcp-agent.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';
import { until } from '../../helpers/until.ts';

const BIN = fileURLToPath(new URL('../../../bin/athanor.js', import.meta.url));
const stdio = suite('athanor mcp over stdio');
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

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

stdio('alone, it opens the project\'s workbench and serves the whole loop; the record stays in its database', async () => {
  const { transport, stderr } = spawnMcp();
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
