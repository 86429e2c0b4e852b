/**
 * Waiting for a run to end, bounded: resolves with the run once it has ended, or as it is
 * when `timeoutMs` passes or `signal` aborts. Woken by the run's status events (wherever
 * it runs), and by the supervisor when it runs here; the record is read again each time,
 * so an event missed between the read and the subscription costs nothing.
 */
import { FINISHED_STATUSES, type Run } from '../records.ts';
import type { Workbench } from '../workbench.ts';

export async function waitForRunEnd(workbench: Workbench, runId: string, timeoutMs: number, signal: AbortSignal): Promise<{ run: Run; ended: boolean }> {
  const { experiments, bus } = workbench;
  let wake: () => void = () => {};
  const off = bus.subscribe('run.status', (event) => {
    if (event.runId === runId && FINISHED_STATUSES.includes(event.status)) wake();
  });
  const timer = AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]);
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
        timer.addEventListener('abort', () => resolve(), { once: true });
        if (experiments.isActive(runId)) void experiments.waitForRun(runId).then(() => resolve(), () => resolve());
      });
      const run = await experiments.getRun(runId);
      if (FINISHED_STATUSES.includes(run.status)) return { run, ended: true };
      if (timer.aborted) return { run, ended: false };
      await woken;
    }
  } finally {
    off();
  }
}
