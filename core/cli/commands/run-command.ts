/**
 * `athanor run <experiment>`: one run, headless. Exit 0 completed, 1 failed, 2 bad input
 * (nothing written), 130 cancelled (Ctrl-C cancels the run through the ladder).
 *
 * When the embedded database is held by a workbench on this machine (`athanor dev`), the
 * run is handed to that workbench over its HTTP API (remote-run.ts) and followed as if it
 * ran here; otherwise it runs in this process's own workbench.
 */
import { InputError } from '../../errors.ts';
import type { Run } from '../../records.ts';
import { createWorkbench, type Workbench } from '../../workbench.ts';
import { resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { openingDatabase } from '../environment-error.ts';
import { runInWorkbench } from '../remote-run.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from '../run-report.ts';
import { checkExperiment, cliInstanceName, configurationFrom, refuseSetsOnExisting, RUN_USAGE, type RunRequest } from '../run-input.ts';
import { parseSetOptions } from '../set-options.ts';
import { findHoldingWorkbench } from '../workbench-handoff.ts';

export type { RunCommandIO } from '../run-report.ts';
export { RUN_USAGE } from '../run-input.ts';

/** Finds or creates the instance to run, before anything is written for bad input. */
async function prepareInstance(workbench: Workbench, request: RunRequest) {
  const entry = checkExperiment(workbench.registry.list(), request.experiment, RUN_USAGE);
  const { experiments } = workbench;
  if (request.instance !== undefined) {
    const existing = (await experiments.listInstances({ experiment: entry.name })).find((i) => i.name === request.instance);
    if (existing) {
      refuseSetsOnExisting(request.instance, request.sets);
      return existing;
    }
  }
  const configuration = configurationFrom(entry.schema, parseSetOptions(request.sets, entry.schema), entry.name);
  return experiments.createInstance({ experiment: entry.name, name: request.instance ?? cliInstanceName(), configuration });
}

async function execute(workbench: Workbench, run: Run, follower: RunFollower): Promise<Run> {
  const offs = [
    workbench.bus.subscribe('run.log', (event) => {
      if (event.runId === run.id) follower.logs(event.entries);
    }),
    workbench.bus.subscribe('run.progress', (event) => {
      if (event.runId === run.id) follower.progress(event.progress);
    }),
    onInterrupts(follower.out, () => void workbench.experiments.cancelRun(run.id), {
      message: 'stopping now',
      action: () => void workbench.experiments.cancelRun(run.id).then(() => workbench.supervisor.whereis(run.id)?.cancel()),
    }),
  ];
  try {
    await workbench.experiments.startRun(run.id);
    return await workbench.experiments.waitForRun(run.id);
  } finally {
    for (const off of offs) off();
    follower.done();
  }
}

async function runHere(database: string, experimentsDir: string, request: RunRequest, io: RunCommandIO): Promise<number> {
  const workbench = await openingDatabase(database, () => createWorkbench({ experimentsDir, database, watch: false }));
  try {
    const instance = await prepareInstance(workbench, request);
    const created = await workbench.experiments.createRun(instance.id);
    const final = await execute(workbench, created, new RunFollower(io, request.json));
    const results = Object.fromEntries(
      (await workbench.experiments.readResults(final.id, { view: 'latest' })).items.map((r) => [r.key, r.value]),
    );
    return reportRunEnd(io, final, results, request.json);
  } finally {
    await workbench.close();
  }
}

export async function runCommand(args: string[], io: RunCommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    set: { type: 'string', multiple: true, default: [] },
    instance: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`one experiment at a time, got ${positionals.join(', ')}`);
  const request: RunRequest = { experiment: positionals[0], sets: values.set as string[], instance: values.instance, json: values.json as boolean };
  const database = resolveDatabaseSpec(values.db);
  const holder = await findHoldingWorkbench(database, values.experiments);
  if (holder) return runInWorkbench(holder, request, io);
  return runHere(database, values.experiments, request, io);
}
