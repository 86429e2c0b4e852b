/**
 * `athanor run <experiment>`: one run, headless. Exit 0 completed, 1 failed, 2 bad input
 * (nothing written), 130 cancelled (Ctrl-C cancels the run through the ladder).
 *
 * When the embedded database is held by a workbench on this machine (`athanor dev`), the
 * run is handed to that workbench over its HTTP API (remote-run.ts) and followed as if it
 * ran here; otherwise it runs in this process's own workbench.
 *
 * Here, one child loads and runs the experiment: the run's warm host imports it while the
 * command checks the input (definitions of unchanged modules come from the cache, without
 * loading), storage opens meanwhile, and the run row is created once the input is good.
 */
import { awaitRetry, retryLine } from '../run-attempts.ts';
import path from 'node:path';
import type { ExperimentEntry } from '../../../plugins/experiment-registry.ts';
import { resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { InputError } from '../../errors.ts';
import type { JSONSchema } from '../../experiment/index.ts';
import { shouldRetry, type Run } from '../../records.ts';
import { createLocalDispatcher } from '../../supervisor/local-dispatcher.ts';
import type { Workbench } from '../../workbench.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { openCheckedWorkbench } from '../checked-workbench.ts';
import { runInWorkbench } from '../remote-run.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from '../run-report.ts';
import { runHostPreloader } from '../run-preload.ts';
import { checkExperiment, cliInstanceName, configurationFrom, refuseSetsOnExisting, RUN_USAGE, type RunRequest } from '../run-input.ts';
import { parseSetOptions } from '../set-options.ts';
import { findHoldingWorkbench } from '../workbench-handoff.ts';

export type { RunCommandIO } from '../run-report.ts';
export { RUN_USAGE } from '../run-input.ts';

/** What is checked before anything is written: the experiment, and a new instance's configuration. */
interface CheckedRequest {
  entry: ExperimentEntry & { schema: JSONSchema };
  /** The validated configuration of the instance to create; undefined when `--instance` may name one that exists. */
  configuration: Record<string, unknown> | undefined;
}

function checkRequest(entries: readonly ExperimentEntry[], request: RunRequest): CheckedRequest {
  const entry = checkExperiment(entries, request.experiment, RUN_USAGE);
  // An existing instance keeps its snapshot (and refuses --set): that is for the database to tell.
  const configuration =
    request.instance === undefined ? configurationFrom(entry.schema, parseSetOptions(request.sets, entry.schema), entry.name) : undefined;
  return { entry, configuration };
}

/** Finds or creates the instance to run, before anything is written for bad input. */
async function prepareInstance(workbench: Workbench, request: RunRequest, { entry, configuration }: CheckedRequest) {
  const { experiments } = workbench;
  if (request.instance !== undefined) {
    const existing = (await experiments.listInstances({ experiment: entry.name })).find((i) => i.name === request.instance);
    if (existing) {
      refuseSetsOnExisting(request.instance, request.sets);
      return existing;
    }
  }
  return experiments.createInstance({
    experiment: entry.name,
    name: request.instance ?? cliInstanceName(),
    configuration: configuration ?? configurationFrom(entry.schema, parseSetOptions(request.sets, entry.schema), entry.name),
  });
}

async function execute(workbench: Workbench, run: Run, follower: RunFollower): Promise<Run> {
  // The attempt followed: the run, then each retry its definition asks for.
  let current = run.id;
  const offs = [
    workbench.bus.subscribe('run.log', (event) => {
      if (event.runId === current) follower.logs(event.entries);
    }),
    workbench.bus.subscribe('run.progress', (event) => {
      if (event.runId === current) follower.progress(event.progress);
    }),
    onInterrupts(follower.out, () => void workbench.experiments.cancelRun(current), {
      message: 'stopping now',
      action: () => void workbench.experiments.cancelRun(current).then(() => workbench.supervisor.whereis(current)?.cancel()),
    }),
  ];
  try {
    await workbench.experiments.startRun(run.id);
    for (;;) {
      const final = await workbench.experiments.waitForRun(current);
      const retry = shouldRetry(final) ? await awaitRetry(() => workbench.experiments.getRetry(final.id)) : undefined;
      if (!retry) return final;
      follower.out.line(retryLine(final, retry));
      current = retry.id;
    }
  } finally {
    for (const off of offs) off();
    follower.done();
  }
}

/**
 * Checks the request, then opens the workbench over what is already loaded: the registry
 * (the experiment itself loaded in the run's own process) and the dispatcher whose warm
 * host holds it. One host, for this run (a retry starts its own).
 */
function openChecked(database: string, experimentsDir: string, request: RunRequest): Promise<{ workbench: Workbench; checked: CheckedRequest }> {
  const dispatcher = createLocalDispatcher({ rewarm: false });
  dispatcher.warmUp();
  const preloader = runHostPreloader(dispatcher, request.experiment);
  return openCheckedWorkbench({
    database,
    experimentsDir,
    dispatcher,
    loadFirst: preloader.loadFirst,
    check(registry) {
      const checked = checkRequest(registry.list(), request);
      // The warm host runs the experiment only if the module it loaded is this one.
      if (preloader.file() !== path.join(path.resolve(experimentsDir), checked.entry.file)) dispatcher.dropPreloaded();
      return checked;
    },
  });
}

async function runHere(database: string, experimentsDir: string, request: RunRequest, io: RunCommandIO): Promise<number> {
  const { workbench, checked } = await openChecked(database, experimentsDir, request);
  try {
    const instance = await prepareInstance(workbench, request, checked);
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
