/**
 * Two snapshots of one run, from a fetch and from a live event, arrive in either order: a
 * page fetched before a run finished can land after its `run.status` event. A run only
 * moves forward (pending → running → finished), so the snapshot further along wins, and
 * a fetch never shows a finished run running again.
 */
import type { Run, RunStatus } from '../client/api-client.ts';

const STAGE: Record<RunStatus, number> = { pending: 0, running: 1, completed: 2, failed: 2, cancelled: 2 };

/** Whether a run shown as `shown` cannot have become `incoming` since (a status sent again, or a stale fetch). */
export function isBehind(incoming: RunStatus, shown: RunStatus): boolean {
  return STAGE[incoming] < STAGE[shown];
}

/** The fresher of what is shown (`current`) and what just arrived (`incoming`). */
export function fresherRun(current: Run | undefined, incoming: Run): Run {
  if (!current || current.id !== incoming.id) return incoming;
  if (isBehind(incoming.status, current.status)) return current;
  // Counts only grow: a snapshot taken before the last live output must not lower them.
  return { ...current, ...incoming, logCount: Math.max(current.logCount, incoming.logCount), resultCount: Math.max(current.resultCount, incoming.resultCount) };
}

/**
 * `run` with its log or result count raised to what a `run.log` / `run.result` event
 * shows (sequence numbers are dense per run, so the last one is the count), so counters
 * follow the output between status changes.
 */
export function withOutput(run: Run, kind: 'log' | 'result', entries: readonly { seq: number }[], omitted?: { upTo: number }): Run {
  const last = Math.max(entries.at(-1)?.seq ?? 0, omitted?.upTo ?? 0);
  const key = kind === 'log' ? 'logCount' : 'resultCount';
  return last > run[key] ? { ...run, [key]: last } : run;
}

/**
 * A freshly fetched first page of runs (newest first), with what live events showed while
 * it was on its way: their later states, and runs created since.
 */
export function mergeFetchedRuns(page: readonly Run[], shown: readonly Run[]): Run[] {
  const byId = new Map(shown.map((run) => [run.id, run]));
  const newest = page[0]?.createdAt ?? '';
  const created = shown.filter((run) => run.createdAt > newest && !page.some((r) => r.id === run.id));
  return [...created, ...page.map((run) => fresherRun(byId.get(run.id), run))];
}
