/**
 * The run status lifecycle: pending → running → completed | failed | cancelled, and a
 * pending run may be cancelled (or fail to start). A finished run never changes again.
 */
import type { RunStatus } from '../records.ts';

const NEXT: Record<RunStatus, readonly RunStatus[]> = {
  pending: ['running', 'cancelled', 'failed'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** Whether a run may move from `from` to `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses a run may be in to move to `to`. */
export function statusesBefore(to: RunStatus): RunStatus[] {
  return (Object.keys(NEXT) as RunStatus[]).filter((from) => NEXT[from].includes(to));
}
