/**
 * The serving workbench's side of the pool's notifications: a notice that a worker
 * stored rows of a run becomes, once those rows are read, the same `run.log`,
 * `run.result`, `run.status` and `run.progress` events the workbench's own runs publish,
 * so its tabs cannot tell where a run executes.
 *
 * Notices of one run are handled in order (a chain per run), so its events keep the
 * order its rows were stored in. A long range is cut as the live budget cuts local runs:
 * the newest entries go live and `omitted` names the rest, for the tabs to page in.
 */
import type { EventBus } from '../events/event-bus.ts';
import type { ExperimentsService } from '../experiments-service.ts';
import { StoreSlots } from '../supervisor/store-slots.ts';
import type { RunNotice } from './run-notifications.ts';

/** Entries of one notice sent live at most; the rest are named in `omitted`. */
const LIVE_ENTRIES = 2000;

export type RunReader = Pick<ExperimentsService, 'getRun' | 'readLogs' | 'readResults'>;

/** Publishes on `bus` what `notice` says a run stored; resolves once published. */
async function publishNotice(service: RunReader, bus: EventBus, notice: RunNotice): Promise<void> {
  const { runId, instanceId } = notice;
  switch (notice.t) {
    case 'status': {
      const run = await service.getRun(runId);
      bus.publish('run.status', { runId, instanceId, status: run.status, run });
      return;
    }
    case 'progress':
      bus.publish('run.progress', { runId, instanceId, progress: notice.progress });
      return;
    case 'logs': {
      const from = Math.max(notice.first, notice.last - LIVE_ENTRIES + 1);
      const { items } = await service.readLogs(runId, { after: from - 1, until: notice.last, limit: LIVE_ENTRIES });
      const omitted = from > notice.first ? { omitted: { after: notice.first - 1, upTo: from - 1 } } : {};
      bus.publish('run.log', { runId, instanceId, entries: items, ...omitted });
      return;
    }
    case 'results': {
      // Results are few per flush and every point counts for a chart: all of them, a page at a time.
      for (let after = notice.first - 1; after < notice.last; ) {
        const { items } = await service.readResults(runId, { after, until: notice.last, limit: 10_000 });
        if (items.length === 0) return;
        bus.publish('run.result', { runId, instanceId, entries: items });
        after = items[items.length - 1]!.seq;
      }
      return;
    }
  }
}

/** Options of {@link createRemoteRunEvents}. */
export interface RemoteRunEventsOptions {
  service: RunReader;
  bus: EventBus;
  /** This node's id: its own notices are skipped (its bus had those events first-hand). */
  node: string;
  /** Reads of the database at once, all runs together (default 3): the API's requests keep the rest of the pool. */
  readSlots?: number;
}

/** Merges `next` into `last` when one read can serve both (contiguous ranges, a newer progress). */
function merge(last: RunNotice | undefined, next: RunNotice): boolean {
  if (!last || last.t !== next.t) return false;
  if (last.t === 'progress' && next.t === 'progress') return (last.progress = next.progress), true;
  if ((last.t === 'logs' || last.t === 'results') && (next.t === 'logs' || next.t === 'results') && next.first === last.last + 1) {
    return (last.last = next.last), true;
  }
  return false;
}

/**
 * Turns notices into bus events; `handle` each notice as it arrives. Notices of a run
 * waiting behind a read are merged (a thousand busy runs cost a read per run per round,
 * not per flush), and reads wait for one of a few slots rather than for a connection.
 */
export function createRemoteRunEvents(options: RemoteRunEventsOptions): { handle(notice: RunNotice): void; idle(): Promise<void> } {
  const slots = new StoreSlots(options.readSlots ?? 3);
  const waiting = new Map<string, RunNotice[]>();
  const draining = new Map<string, Promise<void>>();

  const drain = async (runId: string) => {
    const queue = waiting.get(runId)!;
    while (queue.length > 0) {
      const notice = queue.shift()!;
      await slots
        .run(() => publishNotice(options.service, options.bus, notice))
        .catch((error: unknown) => console.error(`athanor: could not read run ${runId}'s ${notice.t} from the database: ${(error as Error)?.message ?? error}`));
    }
    // Forgotten once caught up: memory stays flat over many runs.
    waiting.delete(runId);
    draining.delete(runId);
  };

  return {
    handle(notice) {
      if (notice.node === options.node) return;
      const queue = waiting.get(notice.runId) ?? [];
      if (!waiting.has(notice.runId)) waiting.set(notice.runId, queue);
      if (!merge(queue[queue.length - 1], notice)) queue.push({ ...notice });
      if (!draining.has(notice.runId)) draining.set(notice.runId, drain(notice.runId));
    },
    async idle() {
      while (draining.size > 0) await Promise.all(draining.values());
    },
  };
}
