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
}

/** Turns notices into bus events; `handle` each notice as it arrives. */
export function createRemoteRunEvents(options: RemoteRunEventsOptions): { handle(notice: RunNotice): void; idle(): Promise<void> } {
  const chains = new Map<string, Promise<void>>();
  return {
    handle(notice) {
      if (notice.node === options.node) return;
      const before = chains.get(notice.runId) ?? Promise.resolve();
      const next = before
        .then(() => publishNotice(options.service, options.bus, notice))
        .catch((error: unknown) => console.error(`athanor: could not read run ${notice.runId}'s ${notice.t} from the database: ${(error as Error)?.message ?? error}`));
      chains.set(notice.runId, next);
      // The chain is forgotten once it has caught up: memory stays flat over many runs.
      void next.then(() => {
        if (chains.get(notice.runId) === next) chains.delete(notice.runId);
      });
    },
    async idle() {
      while (chains.size > 0) await Promise.all(chains.values());
    },
  };
}
