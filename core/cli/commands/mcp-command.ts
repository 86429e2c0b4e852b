/**
 * `athanor mcp`: the MCP server over stdio, for AI agents (issue 17). When a workbench on
 * this machine holds the database and serves this experiments folder (`athanor dev`), the
 * session is passed to its `/mcp`, as `athanor run` hands it runs; otherwise this process
 * opens the workbench itself, as `athanor dev` would (experiments watched and reloaded),
 * without the HTTP server. stdout is the protocol: everything else goes to stderr.
 */
import { bridgeStdio, serveStdio } from '../../mcp/mcp-stdio.ts';
import { createWorkbench } from '../../workbench.ts';
import { checkExperimentsFolder } from '../../../plugins/discovery/experiments-folder.ts';
import { resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { parseCommandArgs, refuseArguments } from '../cli-args.ts';
import { openingDatabase } from '../environment-error.ts';
import { MCP_USAGE } from '../usage.ts';
import { findHoldingWorkbench } from '../workbench-handoff.ts';

/** A signal that aborts on SIGINT or SIGTERM (the client stopping this server). */
function stopSignal(): { signal: AbortSignal; off(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    off: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export async function mcpCommand(args: string[], err: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    err(MCP_USAGE);
    return 0;
  }
  refuseArguments('mcp', positionals, { readsExperiments: true });
  // Anything printed with console.log (ours or a library's) would corrupt the protocol on stdout.
  console.log = console.error;
  console.info = console.error;
  const database = resolveDatabaseSpec(values.db);
  const stop = stopSignal();
  try {
    await checkExperimentsFolder(values.experiments); // before a database is made
    const holder = await findHoldingWorkbench(database, values.experiments);
    if (holder) {
      err(`athanor mcp: ${database} is held by the workbench at ${holder.client.origin} (process ${holder.pid}): serving its /mcp over stdio`);
      await bridgeStdio(holder.client.origin, holder.token, { signal: stop.signal });
      return 0;
    }
    const workbench = await openingDatabase(database, () => createWorkbench({ experimentsDir: values.experiments, database, watch: true, cacheDefinitions: true }));
    try {
      if (workbench.recovered.length) err(`athanor mcp: ended ${workbench.recovered.length} run(s) left active by a workbench that stopped`);
      err(`athanor mcp: serving ${workbench.experimentsDir} (${workbench.registry.list().length} experiments, database ${workbench.database.kind}) over stdio`);
      await serveStdio(workbench, { signal: stop.signal });
    } finally {
      await workbench.close();
    }
    return 0;
  } finally {
    stop.off();
  }
}
