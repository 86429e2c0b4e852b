/**
 * `athanor run` handed to the workbench that holds the database (workbench-handoff.ts):
 * the same checks as a run here, then the instance and the run are created over the HTTP
 * API, so the run shows in the open UI, and it is followed as a local run is — its log
 * lines and progress as they come, Ctrl-C to cancel it, the results at the end and the
 * same exit code.
 *
 * Following: the run's live events (`/api/events?run=ID`) only say when to look; the logs
 * are read in order from `/api/runs/ID/logs?after=SEQ` and the status and progress from
 * `/api/runs/ID`, so nothing is missed or printed twice, whatever the stream drops. A poll
 * every second covers a stream that is down.
 */
import { awaitRetry, retryLine } from './run-attempts.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { FINISHED_STATUSES, shouldRetry, type Instance, type LogEntry, type Page, type ResultEntry, type Run, type RunDetail, type RunProgress } from '../records.ts';
import { onInterrupts, reportRunEnd, RunFollower, type RunCommandIO } from './run-report.ts';
import { checkExperiment, cliInstanceName, configurationFrom, refuseSetsOnExisting, RUN_USAGE, type RunnableEntry, type RunRequest } from './run-input.ts';
import { parseSetOptions } from './set-options.ts';
import type { HoldingWorkbench } from './workbench-handoff.ts';
import type { WorkbenchClient } from './workbench-client.ts';
import { escapeControls } from './terminal-text.ts';

/** How often the run is looked at when its event stream says nothing (it may be down). */
const POLL_MS = 1_000;
const LOG_PAGE = 1_000;

const path = encodeURIComponent;

/** Finds or creates the instance to run, after the same checks as a run here. */
async function prepareInstance(client: WorkbenchClient, request: RunRequest): Promise<Instance> {
  const entries = await client.request<RunnableEntry[]>('GET', '/api/experiments');
  const entry = checkExperiment(entries, request.experiment, RUN_USAGE);
  if (request.instance !== undefined) {
    const instances = await client.request<Instance[]>('GET', `/api/instances?experiment=${path(entry.name)}`);
    const existing = instances.find((i) => i.name === request.instance);
    if (existing) {
      refuseSetsOnExisting(request.instance, request.sets);
      return existing;
    }
  }
  const configuration = configurationFrom(entry.schema, parseSetOptions(request.sets, entry.schema), entry.name);
  return client.request<Instance>('POST', '/api/instances', { experiment: entry.name, name: request.instance ?? cliInstanceName(), configuration });
}

const sameProgress = (a: RunProgress | null, b: RunProgress | null) =>
  a?.current === b?.current && a?.total === b?.total && a?.message === b?.message;

/** Prints the run's logs and progress as they come; resolves with the run once it ended, or as last seen when `stop` aborts. */
async function follow(client: WorkbenchClient, runId: string, follower: RunFollower, stop: AbortSignal): Promise<Run> {
  let after = 0;
  let progress: RunProgress | null = null;
  let wake: (() => void) | undefined;
  let changed = false;
  const streaming = new AbortController();
  const onStop = () => wake?.();
  stop.addEventListener('abort', onStop);
  void client.watch(`/api/events?run=${path(runId)}`, () => {
    changed = true;
    wake?.();
  }, streaming.signal);
  const readLogs = async () => {
    for (;;) {
      const page = await client.request<Page<LogEntry>>('GET', `/api/runs/${path(runId)}/logs?after=${after}&limit=${LOG_PAGE}`);
      follower.logs(page.items);
      if (page.items.length > 0) after = page.items[page.items.length - 1]!.seq;
      if (page.next === null) return;
    }
  };
  try {
    for (;;) {
      await readLogs();
      const run = await client.request<Run>('GET', `/api/runs/${path(runId)}`);
      // Logs are stored before the run ends: read what came since, then it is all there.
      if (FINISHED_STATUSES.includes(run.status)) {
        await readLogs();
        return run;
      }
      if (run.progress && !sameProgress(run.progress, progress)) follower.progress(run.progress);
      progress = run.progress;
      if (stop.aborted) return run;
      if (!changed) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        await Promise.race([woken, sleep(POLL_MS, undefined, { ref: false })]);
        wake = undefined;
      }
      // Whatever the stream says from here on is looked at in the next round.
      changed = false;
    }
  } finally {
    stop.removeEventListener('abort', onStop);
    streaming.abort();
  }
}

/** Runs `request` in the workbench `holder`; returns the exit code, as a run here would. */
export async function runInWorkbench(holder: HoldingWorkbench, request: RunRequest, io: RunCommandIO): Promise<number> {
  const { client } = holder;
  const instance = await prepareInstance(client, request);
  const created = await client.request<Run>('POST', `/api/instances/${path(instance.id)}/runs`, {});
  io.stderr.write(`athanor: ${holder.spec} is held by the workbench at ${client.origin} (process ${holder.pid}): running there, as ${client.origin}/runs/${created.id}\n`);
  const follower = new RunFollower(io, request.json);
  const stopWaiting = new AbortController();
  // The attempt followed: the run, then each retry its definition asks for.
  let current = created.id;
  const cancel = () =>
    void client.request('POST', `/api/runs/${path(current)}/cancel`).catch((error) => follower.out.line(`could not cancel the run: ${(error as Error).message}`));
  const off = onInterrupts(follower.out, cancel, {
    message: `no longer waiting: the workbench ends the run (${client.origin}/runs/${created.id})`,
    action: () => stopWaiting.abort(),
  });
  let final: Run;
  try {
    for (;;) {
      final = await follow(client, current, follower, stopWaiting.signal);
      const failed = final;
      const retryId = shouldRetry(failed)
        ? await awaitRetry(async () => (await client.request<RunDetail>('GET', `/api/runs/${path(failed.id)}`)).retriedBy)
        : undefined;
      if (!retryId || stopWaiting.signal.aborted) break;
      const retry = await client.request<Run>('GET', `/api/runs/${path(retryId)}`);
      follower.out.line(retryLine(failed, retry));
      current = retry.id;
    }
  } catch (error) {
    // The workbench went away mid-run (stopped, crashed): what became of the run is its to say.
    io.stderr.write(`athanor: lost the workbench while following run ${current}: ${escapeControls((error as Error).message)}\n`);
    return 1;
  } finally {
    off();
    follower.done();
  }
  const latest = await client.request<Page<ResultEntry>>('GET', `/api/runs/${path(final.id)}/results?view=latest`);
  const results = Object.fromEntries(latest.items.map((r) => [r.key, r.value]));
  if (FINISHED_STATUSES.includes(final.status)) return reportRunEnd(io, final, results, request.json);
  // Ctrl-C twice: no longer waiting for a run the workbench is still cancelling.
  reportRunEnd(io, { ...final, error: request.json ? final.error : 'the workbench is still cancelling it' }, results, request.json);
  return 130;
}
