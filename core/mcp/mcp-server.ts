/**
 * The workbench's MCP server (issue 17): tools and resources over the experiments service,
 * the registry and the supervisor, so an AI agent can do what a person does in the
 * workbench — write an experiment, run it, read its logs and results, compare, iterate.
 * One server per MCP session; the stdio command and `/mcp` both build theirs here.
 *
 * @example
 * const mcp = createMcpServer(workbench);
 * await mcp.server.connect(new StdioServerTransport());
 * // … later
 * await mcp.close();
 */
import { readFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Workbench } from '../workbench.ts';
import { experimentTools } from './experiment-tools.ts';
import { instanceTools } from './instance-tools.ts';
import { registerResources } from './mcp-resources.ts';
import { resultTools } from './result-tools.ts';
import { runTools } from './run-tools.ts';
import { keepSchemaNotes } from './schema-notes.ts';
import { createToolKit } from './tool-kit.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const INSTRUCTIONS = `Athanor is a workbench for experiments written as TypeScript modules in an experiments folder.
An experiment defines a configuration schema and a run(ctx); an instance is a named, validated configuration of it; a run executes an instance in its own process and records logs and results.
The loop: list_experiments → create_experiment / write_experiment_source (the answer says whether it loads, and where it breaks) → create_instance → start_run → wait_for_run → get_run_logs / list_results / get_result_series → edit the source → rerun_run → compare_runs. sweep tries a grid.
Long outputs are paged: follow \`next\` as each tool says. What you change is recorded and shown in the workbench.`;

export interface AthanorMcpServer {
  readonly server: McpServer;
  /** Closes the session and stops following the workbench's events. */
  close(): Promise<void>;
}

export interface McpServerOptions {
  /** Where unexpected errors go (stderr by default: stdout may be the protocol). */
  log?: (error: unknown) => void;
}

export function createMcpServer(workbench: Workbench, options: McpServerOptions = {}): AthanorMcpServer {
  const log = options.log ?? ((error: unknown) => console.error('athanor mcp:', error));
  const server = new McpServer(
    { name: 'athanor', title: 'Athanor', version: VERSION },
    { capabilities: { resources: { subscribe: true, listChanged: true }, tools: { listChanged: true } }, instructions: INSTRUCTIONS },
  );
  const kit = createToolKit(server, workbench, log);
  const noted = [...experimentTools(kit), ...instanceTools(kit), ...resultTools(kit)];
  runTools(kit);
  const offs = [keepSchemaNotes(noted, workbench.registry, workbench.bus), registerResources(server, kit)];
  let closed: Promise<void> | undefined;
  return {
    server,
    close: () =>
      (closed ??= (async () => {
        offs.forEach((off) => off());
        await server.close();
      })()),
  };
}
