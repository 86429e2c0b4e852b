/**
 * Runs as tools: list, get, start, wait, cancel, run again, and their logs — through the
 * same service and supervisor calls as `/api/runs` and `/api/instances/:id/runs`. A run
 * may be named by a unique prefix of 8+ characters of its id, as in the API. Logs come a
 * bounded page at a time: an answer says how to ask for the next.
 */
import { z } from 'zod';
import { checkRunnable } from '../http/api-routes.ts';
import { LOG_LEVELS, RUN_STATUSES, type LogLevel, type Run } from '../records.ts';
import { instanceId, runId } from './tool-inputs.ts';
import { latestResults } from './result-tools.ts';
import { waitForRunEnd } from './run-wait.ts';
import { numericNext, type ToolKit } from './tool-kit.ts';


/** Largest page of logs a call returns: an agent's context is never flooded. */
const MAX_LOGS = 500;
/** Longest wait_for_run: MCP clients give up on a request after a minute or so by default. */
const MAX_WAIT_MS = 300_000;

const started = (run: Run) => `run ${run.id} ${run.status}`;

export function runTools(kit: ToolKit): void {
  const { workbench } = kit;
  const { experiments } = workbench;
  const resolve = (id: string) => experiments.resolveRunId(id);

  kit.define('list_runs', {
    title: 'List an instance\'s runs',
    description: 'An instance\'s runs, newest first, a page of at most `limit` (default 20); when `next` is not null, call again with cursor=next.',
    input: {
      instanceId,
      status: z.enum(RUN_STATUSES as [string, ...string[]]).optional(),
      limit: z.number().int().min(1).max(500).optional(),
      cursor: z.string().min(1).max(1000).optional(),
    },
  }, async ({ instanceId, status, limit, cursor }) =>
    experiments.listRuns(instanceId, { limit: limit ?? 20, cursor: cursor ?? null, ...(status ? { status: status as Run['status'] } : {}) }));

  kit.define('get_run', {
    title: 'Get a run',
    description:
      'A run: status, progress, error, times, the configuration it ran with, its code (hash and files), environment, ' +
      'whether an agent started it, and counts of its logs and results.',
    input: { id: runId },
  }, async ({ id }) => experiments.getRunDetail(await resolve(id)));

  kit.define('start_run', {
    title: 'Start a run',
    description:
      'Starts a run of an instance with its configuration (a run waits as `pending` while the workbench is at its concurrency limit). ' +
      'The run is marked as started by this agent. Follow it with wait_for_run, get_run_logs and list_results.',
    input: {
      instanceId,
      timeoutMs: z.number().int().min(1).max(2_147_483_647).optional().describe('End the run failed after this many ms'),
      memoryMb: z.number().int().min(64).max(1024 * 1024).optional().describe('Memory the run\'s process may use (MiB)'),
    },
    changes: { detail: started },
  }, async ({ instanceId, ...options }, call) => {
    await checkRunnable(workbench, instanceId);
    const run = await experiments.createRun(instanceId, options, { agent: call.client });
    return experiments.startRun(run.id);
  });

  kit.define('wait_for_run', {
    title: 'Wait for a run to end',
    description:
      'Waits until the run ends (completed, failed or cancelled) or `timeoutMs` passes (default 30000; keep it under your client\'s ' +
      'request timeout, often 60 s), then answers {ended, status, error, progress, results}: results are the latest value of each key ' +
      '(at most 50 keys; list_results for all). Call again to keep waiting.',
    input: { id: runId, timeoutMs: z.number().int().min(0).max(MAX_WAIT_MS).optional() },
  }, async ({ id, timeoutMs }, call) => {
    const { run, ended } = await waitForRunEnd(workbench, await resolve(id), timeoutMs ?? 30_000, call.signal);
    const results = await latestResults(kit, run.id, 50);
    return { id: run.id, ended, status: run.status, error: run.error, progress: run.progress, startedAt: run.startedAt, completedAt: run.completedAt, ...results };
  });

  kit.define('cancel_run', {
    title: 'Cancel a run',
    description: 'Cancels a pending or running run (cooperatively, then by force after a grace period). A run that already ended is left as it is, and the answer says so.',
    input: { id: runId },
    changes: { detail: (outcome: { run: Run; message: string }) => `run ${outcome.run.id}: ${outcome.message}` },
  }, async ({ id }) => experiments.cancelRun(await resolve(id)));

  kit.define('rerun_run', {
    title: 'Run again',
    description:
      'Starts a new run of the same instance with the configuration and options the given run ran with. code "current" (default) runs the ' +
      'experiment\'s file as it is now (it must load); "snapshot" runs the code that run kept, whatever the file says now. The new run names the one it reruns.',
    input: { id: runId, code: z.enum(['current', 'snapshot']).optional() },
    changes: { detail: (run: Run) => `run ${run.id} ${run.status} (rerun of ${run.rerunOf})` },
  }, async ({ id, code }, call) => {
    const previous = await experiments.getRun(await resolve(id));
    if ((code ?? 'current') === 'current') await checkRunnable(workbench, previous.instanceId);
    const run = await experiments.createRerun(previous.id, code ?? 'current', { agent: call.client });
    return experiments.startRun(run.id);
  });

  kit.define('get_run_logs', {
    title: 'Read a run\'s logs',
    description:
      `A run's log entries in order, at most \`limit\` (default 100, at most ${MAX_LOGS}), after sequence number \`after\`, ` +
      'of the given levels only. When `next` is not null, more follow: call again with after=next.',
    input: {
      runId,
      after: z.number().int().min(0).max(2_147_483_647).optional().describe('Only entries after this sequence number (the `next` of the previous page)'),
      level: z
        .union([z.enum(LOG_LEVELS as [string, ...string[]]), z.array(z.enum(LOG_LEVELS as [string, ...string[]])).min(1).max(4)])
        .optional()
        .describe('Only this level or these levels, e.g. "error" or ["warn", "error"]'),
      limit: z.number().int().min(1).max(MAX_LOGS).optional(),
    },
  }, async ({ runId: id, after, level, limit }) =>
    numericNext(await experiments.readLogs(await resolve(id), { after, limit: limit ?? 100, ...(level ? { levels: [level].flat() as LogLevel[] } : {}) })));
}
