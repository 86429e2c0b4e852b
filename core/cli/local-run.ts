/**
 * `athanor run` in this process's own workbench: the request is checked against the
 * experiments while storage opens, then the instance and the run are created and the run is
 * followed to its end on the warm host the command started (run-command.ts), which loaded
 * the experiment meanwhile (definitions of unchanged modules come from the cache, without
 * loading).
 */
import { awaitRetry, retryLine } from './run-attempts.ts';
import { shouldRetry, type Run } from '../records.ts';
import type { LocalDispatcher } from '../supervisor/local-dispatcher.ts';
import type { Workbench } from '../workbench.ts';
import { openCheckedWorkbench } from './checked-workbench.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from './run-report.ts';
import { runHostPreloader } from './run-preload.ts';
import { checkRequest, cliInstanceName, newInstanceConfiguration, refuseSetsOnExisting, type CheckedRequest, type RunRequest } from './run-input.ts';

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
    configuration: configuration ?? newInstanceConfiguration(entry, request),
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
 * host holds it (started by the command before it loaded this module). One host, for this
 * run (a retry starts its own).
 */
function openChecked(dispatcher: LocalDispatcher, database: string, experimentsDir: string, request: RunRequest): Promise<{ workbench: Workbench; checked: CheckedRequest }> {
  const preloader = runHostPreloader(dispatcher, experimentsDir, request.experiment);
  return openCheckedWorkbench({
    database,
    experimentsDir,
    dispatcher,
    loadFirst: preloader.loadFirst,
    // Its run is followed in this terminal, which prints every log line (a workbench's tabs get 10,000 a second).
    supervisor: { liveLogsPerSecond: Infinity },
    check(registry) {
      const checked = checkRequest(registry.list(), request);
      preloader.keepOnlyFor(checked.entry);
      return checked;
    },
  });
}

/**
 * Runs `request` in this process's own workbench, on `dispatcher`'s warm host. Bad input
 * stops the host and writes nothing.
 */
export async function runHere(dispatcher: LocalDispatcher, database: string, experimentsDir: string, request: RunRequest, io: RunCommandIO): Promise<number> {
  const { workbench, checked } = await openChecked(dispatcher, database, experimentsDir, request);
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
