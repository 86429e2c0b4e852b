/**
 * `athanor sweep <experiment> --grid field=values…`: one instance and run per combination
 * of the grid, run headless (the supervisor queues them past its limit), followed with a
 * line per run as it ends and a progress bar, and ended with a table of every run's
 * configuration and latest metrics (or `--json`). Exit 0 when every run completed, 1 when
 * any did not, 2 for bad input (nothing created), 130 when Ctrl-C cancelled them.
 *
 * When the embedded database is held by a workbench on this machine, the sweep is handed
 * to it over HTTP (remote-sweep.ts), as `athanor run` hands it a run.
 */
import { InputError } from '../../errors.ts';
import { planSweep } from '../../experiments/sweeps.ts';
import type { NewSweep, Run } from '../../records.ts';
import type { Workbench } from '../../workbench.ts';
import { resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { checkExperimentsFolder } from '../../../plugins/discovery/experiments-folder.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { openCheckedWorkbench } from '../checked-workbench.ts';
import { sweepInWorkbench } from '../remote-sweep.ts';
import { onInterrupts, type RunCommandIO } from '../run-report.ts';
import { checkExperiment } from '../run-input.ts';
import { SWEEP_USAGE, sweepFrom, type SweepRequest } from '../sweep-input.ts';
import { SWEEP_HELP } from '../usage.ts';
import { CANCEL_SWEEP_MESSAGE, reportSweepEnd, SweepFollower, type SweepOutcome } from '../sweep-report.ts';
import { findHoldingWorkbench } from '../workbench-handoff.ts';

export { SWEEP_USAGE } from '../sweep-input.ts';

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

/** Cancels the runs not yet ended, the last first: a queued run is dropped before a running one's end frees a slot for it. */
async function cancelAll(workbench: Workbench, runs: readonly Run[]): Promise<void> {
  for (const run of [...runs].reverse()) await workbench.experiments.cancelRun(run.id).catch(() => {});
}

/**
 * Checks the request against the experiments before the workbench opens, as `athanor run`
 * does: bad input starts no run host and writes nothing.
 */
function openChecked(database: string, experimentsDir: string, request: SweepRequest): Promise<{ workbench: Workbench; checked: NewSweep }> {
  return openCheckedWorkbench({
    database,
    experimentsDir,
    check(registry) {
      const entry = checkExperiment(registry.list(), request.experiment, SWEEP_USAGE);
      const sweep = sweepFrom(request, entry.name, entry.schema);
      planSweep({ definitions: (name) => registry.definition(name) }, sweep);
      return sweep;
    },
  });
}

async function sweepHere(database: string, experimentsDir: string, request: SweepRequest, io: RunCommandIO): Promise<number> {
  const { workbench, checked: sweep } = await openChecked(database, experimentsDir, request);
  try {
    const { experiments, bus } = workbench;
    // Runs start while the sweep is created: their changes are kept until the follower is there.
    const seen = new Map<string, Run>();
    let follower: SweepFollower | undefined;
    const offStatus = bus.subscribe('run.status', (event) => (follower ? follower.update(event.run) : seen.set(event.runId, event.run)));
    let cancelled = false;
    const stopWaiting = new AbortController();
    let offSignals = () => {};
    try {
      const { instances, runs } = await experiments.sweep(sweep);
      const following = (follower = new SweepFollower(io, request.json, runs, instances));
      offSignals = onInterrupts(
        following.out,
        () => ((cancelled = true), void cancelAll(workbench, runs)),
        { message: 'stopping now', action: () => stopWaiting.abort() },
        CANCEL_SWEEP_MESSAGE,
      );
      following.start(sweep);
      for (const run of runs) if (seen.has(run.id)) following.update(seen.get(run.id)!);
      await Promise.race([Promise.all(runs.map((run) => experiments.waitForRun(run.id))), aborted(stopWaiting.signal)]);
      offSignals();
      following.done();
      const metrics = await experiments.latestMetrics(runs.map((run) => run.id));
      const outcomes: SweepOutcome[] = [];
      for (const [i, created] of runs.entries()) {
        const run = await experiments.getRun(created.id);
        // The instance read again: its run counts as they are now the runs have ended.
        const instance = await experiments.getInstance(instances[i]!.id).catch(() => instances[i]!);
        outcomes.push({ run, instance, metrics: metrics.get(run.id) ?? {} });
      }
      return reportSweepEnd(io, outcomes, Object.keys(sweep.grid), { json: request.json, cancelled: cancelled || stopWaiting.signal.aborted });
    } finally {
      offSignals();
      offStatus();
      follower?.done();
    }
  } finally {
    // Runs still going (Ctrl-C twice) are cancelled through the ladder as the supervisor stops.
    await workbench.close();
  }
}

export async function sweepCommand(args: string[], io: RunCommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    grid: { type: 'string', multiple: true, default: [] },
    set: { type: 'string', multiple: true, default: [] },
    name: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.stdout.write(`${SWEEP_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`one experiment at a time, got ${positionals.join(', ')}`);
  const request: SweepRequest = {
    experiment: positionals[0],
    grids: values.grid as string[],
    sets: values.set as string[],
    name: values.name,
    json: values.json as boolean,
  };
  const database = resolveDatabaseSpec(values.db);
  await checkExperimentsFolder(values.experiments); // here, not as a workbench's folder other than its own
  const holder = await findHoldingWorkbench(database, values.experiments);
  if (holder) return sweepInWorkbench(holder, request, io);
  return sweepHere(database, values.experiments, request, io);
}
