/**
 * `athanor sweep` handed to the workbench that holds the database (workbench-handoff.ts):
 * the same checks as a sweep here, then `POST /api/sweeps`, so its instances and runs
 * show in the open UI, followed as a local sweep is — a line per run as it ends, the
 * progress bar, Ctrl-C to cancel them, the table at the end and the same exit code.
 *
 * Following: one request gives every run's status — the sweep's instances with their
 * latest runs (`GET /api/instances?experiment=…&q=NAME`); a run is asked for alone only
 * once it ended (for its error) or when its instance has run again since. The live stream
 * (`topics=runs`) only says when to look; a poll every second covers a stream that is down.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FINISHED_STATUSES, type Instance, type Page, type ResultEntry, type Run, type SweepResult } from '../records.ts';
import { onInterrupts, type RunCommandIO } from './run-report.ts';
import { checkExperiment, type RunnableEntry } from './run-input.ts';
import { SWEEP_USAGE, sweepFrom, type SweepRequest } from './sweep-input.ts';
import { CANCEL_SWEEP_MESSAGE, numericMetrics, reportSweepEnd, SweepFollower, type SweepOutcome } from './sweep-report.ts';
import { escapeControls } from './terminal-text.ts';
import type { HoldingWorkbench } from './workbench-handoff.ts';
import type { WorkbenchClient } from './workbench-client.ts';

const POLL_MS = 1_000;
/** Requests in flight at once when asking about many runs. */
const PARALLEL = 8;

const path = encodeURIComponent;
const ended = (run: Pick<Run, 'status'>) => FINISHED_STATUSES.includes(run.status);

/** `fn` over `items`, at most {@link PARALLEL} at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}

/** A run as the workbench has it now; a run whose instance was deleted meanwhile counts as cancelled. */
const fetchRun = (client: WorkbenchClient, known: Run) =>
  client.request<Run>('GET', `/api/runs/${path(known.id)}`).catch((): Run => ({ ...known, status: 'cancelled', error: 'its instance was deleted' }));

/** Follows the sweep's runs until all ended (or `stop` aborts); resolves with them as last seen, in order. */
async function follow(client: WorkbenchClient, sweep: { experiment: string; name: string }, runs: readonly Run[], follower: SweepFollower, stop: AbortSignal) {
  const latest = new Map(runs.map((run) => [run.id, run]));
  const byInstance = new Map(runs.map((run) => [run.instanceId, run.id]));
  let wake: (() => void) | undefined;
  const streaming = new AbortController();
  const onStop = () => wake?.();
  stop.addEventListener('abort', onStop);
  void client.watch('/api/events?topics=runs', () => wake?.(), streaming.signal);
  const see = (run: Run) => {
    latest.set(run.id, run);
    follower.update(run);
  };
  try {
    for (;;) {
      const listed = await client.request<Instance[]>('GET', `/api/instances?experiment=${path(sweep.experiment)}&q=${path(sweep.name)}`);
      const unseen = new Set([...latest.values()].filter((run) => !ended(run)).map((run) => run.id));
      const ask: Run[] = [];
      for (const instance of listed) {
        const runId = byInstance.get(instance.id);
        const known = runId === undefined ? undefined : latest.get(runId);
        if (!known || !unseen.delete(known.id)) continue;
        const now = instance.latestRun;
        if (now?.id !== known.id || ended(now)) ask.push(known);
        else if (now.status !== known.status) see({ ...known, status: now.status, startedAt: now.startedAt });
      }
      // Runs not listed: their instance is gone (or renamed off the search); each is asked for.
      ask.push(...[...unseen].map((id) => latest.get(id)!));
      for (const run of await mapLimit(ask, (known) => fetchRun(client, known))) see(run);
      if (follower.finished || stop.aborted) return runs.map((run) => latest.get(run.id)!);
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(POLL_MS, undefined, { ref: false })]);
      wake = undefined;
    }
  } finally {
    stop.removeEventListener('abort', onStop);
    streaming.abort();
  }
}

/** Where to see the sweep in the workbench: its one run's page, the comparison of its runs, or (past 20) the experiment's runs table. */
function viewUrl(origin: string, experiment: string, runs: readonly Run[]): string {
  if (runs.length === 1) return `${origin}/runs/${runs[0]!.id}`;
  return runs.length <= 20 ? `${origin}/compare?runs=${runs.map((run) => run.id).join(',')}` : `${origin}/experiments/by-name/${path(experiment)}/runs`;
}

/** Runs `request` in the workbench `holder`; returns the exit code, as a sweep here would. */
export async function sweepInWorkbench(holder: HoldingWorkbench, request: SweepRequest, io: RunCommandIO): Promise<number> {
  const { client } = holder;
  const entry = checkExperiment(await client.request<RunnableEntry[]>('GET', '/api/experiments'), request.experiment, SWEEP_USAGE);
  const sweep = sweepFrom(request, entry.name, entry.schema);
  const { instances, runs } = await client.request<SweepResult>('POST', '/api/sweeps', sweep);
  io.stderr.write(
    `athanor: ${holder.spec} is held by the workbench at ${client.origin} (process ${holder.pid}): sweeping there, ${runs.length} run${runs.length === 1 ? '' : 's'}, as ${viewUrl(client.origin, entry.name, runs)}\n`,
  );
  const follower = new SweepFollower(io, request.json, runs, instances);
  let cancelled = false;
  const stopWaiting = new AbortController();
  const cancel = async () => {
    // The last first: a queued run is dropped before a running one's end frees a slot for it.
    for (const run of [...runs].reverse()) {
      await client.request('POST', `/api/runs/${path(run.id)}/cancel`).catch((error) => follower.out.line(`could not cancel run ${run.id}: ${(error as Error).message}`));
    }
  };
  const off = onInterrupts(
    follower.out,
    () => ((cancelled = true), void cancel()),
    { message: `no longer waiting: the workbench ends the runs (${client.origin})`, action: () => stopWaiting.abort() },
    CANCEL_SWEEP_MESSAGE,
  );
  follower.start(sweep);
  let final: Run[];
  try {
    final = await follow(client, { experiment: entry.name, name: sweep.name }, runs, follower, stopWaiting.signal);
  } catch (error) {
    io.stderr.write(`athanor: lost the workbench while following the sweep: ${escapeControls((error as Error).message)}\n`);
    return 1;
  } finally {
    off();
    follower.done();
  }
  const instanceOf = new Map(instances.map((instance) => [instance.id, instance]));
  const outcomes = await mapLimit(final, async (run): Promise<SweepOutcome> => {
    const latest = await client.request<Page<ResultEntry>>('GET', `/api/runs/${path(run.id)}/results?view=latest`).catch(() => ({ items: [] }));
    // Read again: its run counts as they are now the runs have ended.
    const instance = await client.request<Instance>('GET', `/api/instances/${path(run.instanceId)}`).catch(() => instanceOf.get(run.instanceId)!);
    return { run, instance, metrics: numericMetrics(latest.items) };
  });
  return reportSweepEnd(io, outcomes, Object.keys(sweep.grid), { json: request.json, cancelled: cancelled || stopWaiting.signal.aborted });
}
