/**
 * `athanor run <experiment>`: one run, headless. Exit 0 completed, 1 failed, 2 bad input
 * (nothing written), 130 cancelled (Ctrl-C cancels the run through the ladder).
 *
 * When the embedded database is held by a workbench on this machine (`athanor dev`), the
 * run is handed to that workbench over its HTTP API (remote-run.ts) and followed as if it
 * ran here; otherwise it runs in this process's own workbench (local-run.ts), where one
 * child loads and runs the experiment: it is started first, and imports the experiment while
 * the command loads, checks the input and opens storage.
 *
 * This module loads little on purpose: what it imports is paid before the host starts.
 */
import { parseDatabaseSpec, resolveDatabaseSpec } from '../../../storage/database-spec.ts';
import { InputError } from '../../errors.ts';
import { createLocalDispatcher } from '../../supervisor/local-dispatcher.ts';
import { checkExperimentsFolder } from '../../../plugins/discovery/experiments-folder.ts';
import { parseCommandArgs } from '../cli-args.ts';
import type { RunCommandIO } from '../run-report.ts';
import type { RunRequest } from '../run-input.ts';
import { RUN_HELP } from '../usage.ts';

export type { RunCommandIO } from '../run-report.ts';
export { RUN_USAGE } from '../usage.ts';

export async function runCommand(args: string[], io: RunCommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    set: { type: 'string', multiple: true, default: [] },
    instance: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.stdout.write(`${RUN_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`one experiment at a time, got ${positionals.join(', ')}`);
  const request: RunRequest = { experiment: positionals[0], sets: values.set as string[], instance: values.instance, json: values.json as boolean };
  const database = resolveDatabaseSpec(values.db);
  const { kind } = parseDatabaseSpec(database); // bad input, before a host starts
  await checkExperimentsFolder(values.experiments); // here, not as a workbench's folder other than its own
  // Only a PGlite folder is held by a workbench (its lock names it); the handoff's HTTP client is ~50 ms to load.
  const holder = kind === 'pglite' ? await (await import('../workbench-handoff.ts')).findHoldingWorkbench(database, values.experiments) : undefined;
  if (holder) return (await import('../remote-run.ts')).runInWorkbench(holder, request, io);
  // The run's host starts now, before the command loads the rest (~0.2 s of modules): the
  // host loading tsx and the experiment is the longest wait of a short run.
  const dispatcher = createLocalDispatcher({ rewarm: false });
  dispatcher.warmUp();
  // A memory database ends with the command: the run's record stays in memory (memory-run.ts).
  const here = await (kind === 'memory' ? import('../memory-run.ts') : import('../local-run.ts')).catch(async (error: unknown) => {
    await dispatcher.stop(); // a host left waiting would keep the command from exiting
    throw error;
  });
  return 'runInMemory' in here ? here.runInMemory(dispatcher, values.experiments, request, io) : here.runHere(dispatcher, database, values.experiments, request, io);
}
